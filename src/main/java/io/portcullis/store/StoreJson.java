package io.portcullis.store;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON form of stored documents. */
public final class StoreJson {
  private StoreJson() {}

  /**
   * A new mapper for stored documents: records by their components, {@code java.time} values as
   * ISO-8601 text, nulls left out, map entries sorted (stable documents that diff well).
   *
   * <p>Unknown properties are ignored, so that a node still reads documents written by a newer
   * version that added a field. Derived {@code isX()} methods (such as {@code User.isAdmin()}) are
   * not stored: only record components are state.
   */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .visibility(PropertyAccessor.IS_GETTER, Visibility.NONE)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }
}
