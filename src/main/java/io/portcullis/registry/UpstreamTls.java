package io.portcullis.registry;

/**
 * How the gateway speaks TLS to an API's {@code https} upstreams ({@code upstreamTls}): which
 * certificate authorities it trusts, which client certificate it presents, and whether the upstream
 * certificate must name the upstream host. Paths of PEM files.
 *
 * @param ca the CA certificates that upstream certificates must chain to; null for the JDK's
 *     default trust store
 * @param certificate the client certificate chain presented to the upstream; null for none
 * @param key the private key of {@code certificate}; given exactly when {@code certificate} is
 * @param verifyHostname whether the upstream certificate must name the host of the upstream URL
 *     (RFC 6125); true unless switched off, for an upstream reached by an address its certificate
 *     does not name
 */
public record UpstreamTls(String ca, String certificate, String key, boolean verifyHostname) {}
