package io.portcullis.credential;

import io.portcullis.registry.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.TreeSet;

/**
 * A short fingerprint of what makes a user's sign-in valid: the name, the password's hash, whether
 * the user is enabled, and the roles. A browser session keeps the fingerprint of its sign-in; when
 * any of these changes (a new password, a role taken away, the user disabled) the fingerprint
 * differs and the session ends. Reveals nothing of the password hash (SHA-256, 128 bits kept).
 */
public final class UserStamps {
  private UserStamps() {}

  /** The user's fingerprint: 22 base64url characters. */
  public static String of(User user) {
    String text =
        user.username()
            + '\0'
            + user.passwordHash()
            + '\0'
            + user.enabled()
            + '\0'
            + String.join(",", new TreeSet<>(user.roles()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
