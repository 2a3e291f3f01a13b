package io.portcullis.gateway.proxy;

import io.portcullis.gateway.ClientTimeouts;

/**
 * What an {@link Exchange} allows the client: body size, body progress, and how much body it reads
 * before taking an upstream connection; and how many connections the pool holds per upstream host.
 */
record ProxyLimits(long maxBodySize, ClientTimeouts clientTimeouts, int bodyBuffer, int poolSize) {}
