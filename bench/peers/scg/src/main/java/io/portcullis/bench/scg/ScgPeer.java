package io.portcullis.bench.scg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Spring Cloud Gateway in front of the benchmark upstream, with Spring Security's resource server
 * checking an RS256 JWT on every request: signature with the bench issuer's public key, exp/nbf
 * (default validators), iss and aud. Nothing is cached between requests.
 */
@SpringBootApplication
public class ScgPeer {
  public static void main(String[] args) {
    SpringApplication.run(ScgPeer.class, args);
  }

  @Bean
  RouteLocator routes(RouteLocatorBuilder builder, @Value("${bench.upstream}") String upstream) {
    return builder.routes().route("bench", r -> r.path("/**").uri(upstream)).build();
  }

  @Bean
  SecurityWebFilterChain security(ServerHttpSecurity http) {
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .authorizeExchange(e -> e.anyExchange().authenticated())
        .oauth2ResourceServer(o -> o.jwt(j -> {}))
        .build();
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(
      @Value("${bench.public-key}") String publicKeyFile,
      @Value("${bench.issuer}") String issuer,
      @Value("${bench.audience}") String audience)
      throws Exception {
    String pem =
        Files.readString(Path.of(publicKeyFile)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    RSAPublicKey key =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key).build();
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<Jwt>(
            JwtValidators.createDefaultWithIssuer(issuer),
            jwt -> {
              List<String> aud = jwt.getAudience();
              return aud != null && aud.contains(audience)
                  ? OAuth2TokenValidatorResult.success()
                  : OAuth2TokenValidatorResult.failure(
                      new OAuth2Error("invalid_token", "aud rejected", null));
            }));
    return decoder;
  }
}
