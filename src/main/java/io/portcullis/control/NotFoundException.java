package io.portcullis.control;

/** The named entity does not exist. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String kind, String key) {
    super(kind + " '" + key + "' does not exist");
  }
}
