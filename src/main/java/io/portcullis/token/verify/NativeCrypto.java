package io.portcullis.token.verify;

import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that checks signatures: Amazon Corretto Crypto Provider (AWS-LC, native code)
 * when its jar is on the class path and its native library loads on this machine, otherwise the
 * JDK's own providers. Native crypto is an accelerator, never a requirement: every failure to load
 * it falls back to the JDK, and {@code PORTCULLIS_NATIVE_CRYPTO=off} turns it off.
 *
 * <p>The provider is not installed globally ({@code Security.insertProviderAt}): only signature
 * verification asks for it by name, so TLS, password hashing and token signing keep the JDK's.
 * Which provider is in use is logged once, at first use.
 */
public final class NativeCrypto {
  private static final Logger LOG = LoggerFactory.getLogger(NativeCrypto.class);
  private static final String ACCP =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  /** What this process uses; looked up once. */
  private static final class Holder {
    static final NativeCrypto INSTANCE = detect(System.getenv("PORTCULLIS_NATIVE_CRYPTO"));
  }

  private final Provider provider;
  private final boolean ed25519;
  private final String description;

  private NativeCrypto(Provider provider, boolean ed25519, String description) {
    this.provider = provider;
    this.ed25519 = ed25519;
    this.description = description;
  }

  /** The provider of this process, detected (and logged) on the first call. */
  public static NativeCrypto get() {
    return Holder.INSTANCE;
  }

  /**
   * Looks for the native provider.
   *
   * @param setting {@code off} (or {@code false}, {@code 0}) to use the JDK's providers only; null
   *     or anything else to use native crypto when it loads
   */
  static NativeCrypto detect(String setting) {
    NativeCrypto chosen;
    if (setting != null
        && (setting.equalsIgnoreCase("off") || setting.equals("false") || setting.equals("0"))) {
      chosen =
          new NativeCrypto(
              null, false, "JDK (native crypto turned off by PORTCULLIS_NATIVE_CRYPTO)");
    } else {
      chosen = loadAccp();
    }
    LOG.atInfo().addKeyValue("provider", chosen.description).log("signature verification");
    return chosen;
  }

  private static NativeCrypto loadAccp() {
    try {
      Class<?> type = Class.forName(ACCP);
      Provider accp = (Provider) type.getField("INSTANCE").get(null);
      Object loadingError = type.getMethod("getLoadingError").invoke(accp);
      if (loadingError instanceof Throwable error) {
        return new NativeCrypto(null, false, "JDK (native crypto did not load: " + error + ")");
      }
      // RSA and ECDSA must be there, or none is used; Ed25519 is used when it is there.
      for (String algorithm : new String[] {"SHA256withRSA", "SHA256withECDSA"}) {
        Signature.getInstance(algorithm, accp);
      }
      for (String algorithm : new String[] {"RSA", "EC"}) {
        KeyFactory.getInstance(algorithm, accp);
      }
      boolean ed25519 = accp.getService("Signature", "Ed25519") != null;
      return new NativeCrypto(
          accp,
          ed25519,
          accp.getName()
              + " "
              + accp.getVersionStr()
              + " (native; RSA, ECDSA"
              + (ed25519 ? ", Ed25519)" : ")"));
    } catch (ClassNotFoundException e) {
      return new NativeCrypto(null, false, "JDK (native crypto not on the class path)");
    } catch (ReflectiveOperationException
        | RuntimeException
        | LinkageError
        | java.security.GeneralSecurityException e) {
      return new NativeCrypto(null, false, "JDK (native crypto unusable: " + e + ")");
    }
  }

  /** The native provider, or empty when the JDK's providers are used. */
  public Optional<Provider> provider() {
    return Optional.ofNullable(provider);
  }

  /** The native provider when it verifies Ed25519 signatures, or empty. */
  public Optional<Provider> ed25519Provider() {
    return ed25519 ? Optional.of(provider) : Optional.empty();
  }

  /** Which provider verifies signatures, for logs and {@code /health}-like reports. */
  public String description() {
    return description;
  }

  /**
   * The key as the native provider's own key object, so that each verification skips converting it;
   * the key itself when the JDK's providers are used or the provider cannot take it.
   */
  @SuppressWarnings("unchecked")
  public <K extends PublicKey> K translate(K key) {
    if (provider == null) return key;
    try {
      PublicKey translated =
          KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key)
                  instanceof PublicKey p
              ? p
              : key;
      return isSameKind(key, translated) ? (K) translated : key;
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      LOG.atDebug()
          .addKeyValue("algorithm", key.getAlgorithm())
          .setCause(e)
          .log("key stays a JDK key");
      return key;
    }
  }

  private static boolean isSameKind(PublicKey original, PublicKey translated) {
    for (Class<?> kind :
        new Class<?>[] {
          java.security.interfaces.RSAPublicKey.class,
          java.security.interfaces.ECPublicKey.class,
          java.security.interfaces.EdECPublicKey.class
        }) {
      if (kind.isInstance(original)) return kind.isInstance(translated);
    }
    return false;
  }
}
