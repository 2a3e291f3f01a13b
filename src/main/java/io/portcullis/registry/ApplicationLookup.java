package io.portcullis.registry;

/** Which identified applications an API accepts. */
public enum ApplicationLookup {
  /** Only applications associated with the API. */
  REGISTERED,
  /** Any identified application. */
  GLOBAL
}
