package io.portcullis.registry;

/**
 * A registered scope name (a URI or a word).
 *
 * @param name the scope
 * @param description free text, may be null
 */
public record Scope(String name, String description) {}
