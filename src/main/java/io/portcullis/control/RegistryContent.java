package io.portcullis.control;

import io.portcullis.registry.Api;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Scope;
import java.util.List;

/**
 * A set of registry entities as input: what a configuration file declares and what {@code export}
 * writes. Applying it upserts each entity; entities not named are left as they are.
 */
public record RegistryContent(
    List<UserSpec> users,
    List<AuthorizationServer> authorizationServers,
    List<Scope> scopes,
    List<Api> apis,
    List<ApplicationSpec> applications) {

  public static final RegistryContent EMPTY =
      new RegistryContent(List.of(), List.of(), List.of(), List.of(), List.of());

  public RegistryContent {
    users = users == null ? List.of() : List.copyOf(users);
    authorizationServers =
        authorizationServers == null ? List.of() : List.copyOf(authorizationServers);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    apis = apis == null ? List.of() : List.copyOf(apis);
    applications = applications == null ? List.of() : List.copyOf(applications);
  }
}
