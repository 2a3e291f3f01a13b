package io.portcullis.monitor.log;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * {@code %ex} with {@link LogEscaping#escape} on the message of every exception in the chain (a
 * message may quote client input, such as a header value), so that only the stack trace's own lines
 * start new lines.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return super.throwableProxyToString(escaped(proxy));
  }

  private static IThrowableProxy escaped(IThrowableProxy proxy) {
    return proxy == null ? null : new Escaped(proxy);
  }

  private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {
    @Override
    public String getMessage() {
      return LogEscaping.escape(proxy.getMessage());
    }

    @Override
    public String getOverridingMessage() {
      return LogEscaping.escape(proxy.getOverridingMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return escaped(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      if (suppressed == null) return null;
      IThrowableProxy[] out = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) out[i] = escaped(suppressed[i]);
      return out;
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
