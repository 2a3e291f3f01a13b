package io.portcullis;

public final class Portcullis {
  public static void main(String[] args) {}
}
