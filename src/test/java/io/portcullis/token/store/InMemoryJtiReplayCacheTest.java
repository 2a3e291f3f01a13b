package io.portcullis.token.store;

class InMemoryJtiReplayCacheTest extends JtiReplayCacheContract {
  private InMemoryJtiReplayCache shared;

  @Override
  protected void reset() {
    shared = new InMemoryJtiReplayCache(clock);
  }

  @Override
  protected JtiReplayCache node() {
    return shared;
  }

  /** One process: "another node" is another thread on the same instance. */
  @Override
  protected JtiReplayCache otherNode() {
    return shared;
  }
}
