package io.portcullis.token.issue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts private keys at rest with AES-256-GCM (JDK). Output: a version byte, the 12-byte nonce,
 * then ciphertext and tag. The associated data (the kid) binds a ciphertext to its row, so a
 * ciphertext copied to another row does not decrypt.
 *
 * <p>The master key comes from {@code PORTCULLIS_MASTER_KEY} (base64 of 32 bytes) or from the file
 * {@code <data>/master.key}, created with owner-only permissions on first start.
 */
public final class KeyEncryptor {
  public static final String ENV = "PORTCULLIS_MASTER_KEY";
  public static final String FILE = "master.key";
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random;
  private final String origin;

  public KeyEncryptor(byte[] key, SecureRandom random, String origin) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "master key must be 32 bytes (AES-256); was " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.random = random;
    this.origin = origin;
  }

  /**
   * The master key from the environment value when given, else from the file in the data directory,
   * which is created when missing.
   *
   * @throws IllegalArgumentException when the environment value or the file is not base64 of 32
   *     bytes (naming which)
   */
  public static KeyEncryptor fromEnvironmentOrFile(
      String envValue, Path dataDir, SecureRandom random) {
    if (envValue != null && !envValue.isBlank()) {
      return new KeyEncryptor(decode(envValue.trim(), ENV), random, "environment variable " + ENV);
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        Files.createDirectories(dataDir);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          Files.createFile(file);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      }
      return new KeyEncryptor(
          decode(Files.readString(file).trim(), file.toString()), random, "file " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  private static byte[] decode(String base64, String where) {
    try {
      byte[] key = Base64.getDecoder().decode(base64);
      if (key.length != 32)
        throw new IllegalArgumentException("decodes to " + key.length + " bytes");
      return key;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": expected base64 of 32 random bytes (" + e.getMessage() + ")");
    }
  }

  /** Where the master key came from, for the start banner. */
  public String origin() {
    return origin;
  }

  public byte[] encrypt(String plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  /**
   * @throws IllegalStateException when the ciphertext was not made with this master key and
   *     associated data (wrong key, tampered, or moved to another row)
   */
  public String decrypt(byte[] ciphertext, String associatedData) {
    if (ciphertext == null
        || ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8
        || ciphertext[0] != VERSION) {
      throw new IllegalStateException("encrypted key for " + associatedData + " is malformed");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain =
          cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException(
          "cannot decrypt the signing key "
              + associatedData
              + " with the master key from "
              + origin
              + ": it was encrypted with another master key, or altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }
}
