package io.portcullis.store;

import java.sql.Connection;
import java.util.Locale;
import java.util.Objects;

/**
 * Tells every node sharing the store that something changed, so that each drops what it holds in
 * memory about it: a revoked token, a revoked JWT, a changed registry. On PostgreSQL the notices
 * travel by {@code LISTEN}/{@code NOTIFY} ({@link PostgresChangeNotifier}); on H2, where only one
 * process uses the database, they stay in this process ({@link LocalChangeNotifier}).
 *
 * <p>Notices are hints, delivered at most once and only while a node listens: a node that may have
 * missed some is told so ({@link Listener#missed}) and must then re-read what it caches. Every
 * publishing node receives its own notices too.
 */
public interface ChangeNotifier extends AutoCloseable {
  /** The longest payload accepted (PostgreSQL's limit is 8000 bytes). */
  int MAX_PAYLOAD_LENGTH = 1_000;

  /** What changed; each channel defines its payload. */
  enum Channel {
    /** A token was revoked or rotated: payload its hash ({@code TokenRecord.tokenHash}). */
    TOKEN_REVOKED,
    /** Every token of a family was revoked: payload the family id. */
    TOKEN_FAMILY_REVOKED,
    /** A gateway JWT was revoked: payload its {@code jti}. */
    JWT_REVOKED,
    /** The registry (APIs, applications, servers …) changed: payload chosen by the publisher. */
    REGISTRY_CHANGED,
    /**
     * The gateway's signing keys changed (rotated, retired, generated): payload chosen by the
     * publisher.
     */
    SIGNING_KEYS_CHANGED,
    /** A Manager or portal session ended (sign-out, user changed): payload its id hash. */
    WEB_SESSION_ENDED;

    /** The PostgreSQL channel name: {@code portcullis_} and the lower-case constant name. */
    public String pgName() {
      return "portcullis_" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Receives the notices of one channel. */
  @FunctionalInterface
  interface Listener {
    /**
     * One change. Runs on the notifier's thread (PostgreSQL) or the publisher's (local): it may
     * block briefly, must not throw (what it throws is logged and dropped).
     */
    void changed(String payload);

    /**
     * Notices may have been lost (the listening connection was re-established): re-read whatever is
     * cached. Same threading rules as {@link #changed}.
     */
    default void missed() {}
  }

  /** A registered listener; closing it unregisters it. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Sends a notice to every node, this one included. Blocking (a database round trip on
   * PostgreSQL).
   *
   * @throws IllegalArgumentException when the payload is longer than {@value #MAX_PAYLOAD_LENGTH}
   * @throws StoreException when the notice cannot be sent
   */
  void publish(Channel channel, String payload);

  /**
   * Registers a listener for one channel, from now on.
   *
   * @return the subscription, to close when no longer interested
   */
  Subscription subscribe(Channel channel, Listener listener);

  /** Stops listening; idempotent. */
  @Override
  void close();

  /**
   * The notifier that suits the database: a started {@link PostgresChangeNotifier} on PostgreSQL, a
   * {@link LocalChangeNotifier} on H2.
   *
   * @throws StoreException when the listening connection cannot be opened
   */
  static ChangeNotifier open(Database database) {
    Objects.requireNonNull(database, "database");
    if (database.dialect() == Database.Dialect.H2) return new LocalChangeNotifier();
    PostgresChangeNotifier notifier =
        new PostgresChangeNotifier(
            database.dataSource(),
            () -> {
              Connection listening = database.openDedicatedConnection();
              // Listening again after an outage: the listeners re-read what they may have missed
              // at once, through the pool, whose circuit must not still refuse them.
              database.circuit().probeNow();
              return listening;
            });
    notifier.start();
    return notifier;
  }

  /** Checks a payload for every implementation alike. */
  static void checkPayload(Channel channel, String payload) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(payload, "payload");
    if (payload.length() > MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException(
          "change notice payload on "
              + channel
              + " must be at most "
              + MAX_PAYLOAD_LENGTH
              + " characters; was "
              + payload.length());
    }
  }
}
