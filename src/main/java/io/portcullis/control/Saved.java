package io.portcullis.control;

/**
 * The outcome of a write of one entity.
 *
 * @param value the entity as stored (secrets only as hashes)
 * @param version its new version (see {@link io.portcullis.registry.Versioned})
 * @param created true when it did not exist before
 */
public record Saved<T>(T value, long version, boolean created) {}
