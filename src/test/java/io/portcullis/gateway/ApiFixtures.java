package io.portcullis.gateway;

import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.Timeouts;
import java.net.URI;
import java.util.List;
import java.util.Set;

/** Registry entities for gateway tests. */
public final class ApiFixtures {
  private ApiFixtures() {}

  public static Api open(String name, String basePath, URI upstream) {
    return Api.builder()
        .name(name)
        .version("v1")
        .basePath(basePath)
        .upstreams(List.of(upstream))
        .build();
  }

  public static Api api(
      String name,
      ApiType type,
      String basePath,
      List<URI> upstreams,
      Timeouts timeouts,
      IdentifyAndAuthorize policy) {
    return Api.builder()
        .name(name)
        .version("v1")
        .type(type)
        .basePath(basePath)
        .upstreams(upstreams)
        .timeouts(timeouts)
        .identifyAndAuthorize(policy)
        .build();
  }

  public static IdentifyAndAuthorize requiring(
      Set<IdentificationMethod> methods, ApplicationLookup lookup, List<String> scopes) {
    return IdentifyAndAuthorize.builder()
        .methods(methods)
        .applicationLookup(lookup)
        .scopes(scopes)
        .build();
  }

  public static Application application(String name, List<String> apis, boolean enabled) {
    return Application.builder()
        .name(name)
        .clientId(name)
        .authorizationServer("local")
        .apis(apis)
        .enabled(enabled)
        .build();
  }

  public static Snapshot snapshot(long version, List<Api> apis, List<Application> applications) {
    return new Snapshot(version, apis, applications, List.of(), List.of(), List.of());
  }
}
