package io.portcullis.admin;

import io.portcullis.control.Precondition;
import io.portcullis.control.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Entity versions as HTTP entity tags: the strong tag {@code "<version>"} (the body of one version
 * is always the same bytes), and {@code If-Match} (RFC 9110 §13.1.1) as a {@link Precondition}.
 */
final class EntityTags {
  static final String IF_MATCH = "If-Match";
  private static final Pattern TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*");

  private EntityTags() {}

  static String of(long version) {
    return "\"" + version + "\"";
  }

  /**
   * The precondition of a request's {@code If-Match} header: none without the header (the write
   * applies to whatever is stored: last writer wins), {@link Precondition#EXISTS} for {@code *},
   * else one of the listed versions. Weak tags ({@code W/"3"}) never match, as RFC 9110 requires of
   * {@code If-Match}'s strong comparison; tags this API did not issue match no version.
   *
   * @throws ValidationException naming {@code If-Match} when the header is not a list of entity
   *     tags
   */
  static Precondition precondition(String ifMatch) {
    if (ifMatch == null) return Precondition.NONE;
    if (ifMatch.strip().equals("*")) return Precondition.EXISTS;
    List<Long> versions = new ArrayList<>();
    for (String part : ifMatch.split(",", -1)) {
      Matcher m = TAG.matcher(part);
      if (!m.matches()) {
        throw new ValidationException(
            IF_MATCH,
            "expected * or entity tags such as \"3\" (the ETag of the entity as read); was "
                + ifMatch);
      }
      if (m.group(1) == null && m.group(2).matches("[1-9][0-9]{0,17}")) {
        versions.add(Long.parseLong(m.group(2)));
      }
    }
    // No tag of ours: nothing can match (version 0 is never stored).
    return versions.isEmpty() ? Precondition.version(0) : Precondition.oneOf(versions);
  }
}
