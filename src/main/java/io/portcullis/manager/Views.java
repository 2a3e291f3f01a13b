package io.portcullis.manager;

import io.portcullis.web.FormField;
import java.util.List;

/** The models of the Manager's templates (src/main/jte/manager); each page takes one. */
public final class Views {
  private Views() {}

  /**
   * What every page's layout shows: the navigation, the top bar and the security tokens.
   *
   * @param nav the path of the active navigation entry, such as {@code apis}
   * @param theme {@code system}, {@code light} or {@code dark}
   * @param path the current path, for the theme switch to come back to
   * @param flash the message about what just happened; empty for none
   */
  public record Chrome(
      String title,
      String nav,
      String node,
      String store,
      String username,
      String role,
      boolean canChange,
      String csrf,
      String theme,
      String path,
      String flash) {
    /** The entries of the left navigation: path and label. */
    public List<List<String>> entries() {
      return List.of(
          List.of("dashboard", "Dashboard"),
          List.of("apis", "APIs"),
          List.of("applications", "Applications"),
          List.of("authorization-servers", "Authorization servers"),
          List.of("users", "Users"),
          List.of("scopes", "Scopes"),
          List.of("access-requests", "Access requests"),
          List.of("transactions", "Transactions"),
          List.of("audit", "Audit log"));
    }
  }

  /** One access request or waiting sign-up in the Access requests screen. */
  public record RequestRow(
      String id,
      String application,
      String api,
      String developer,
      String status,
      String created,
      String decidedBy) {}

  /** The Access requests screen: developers' requests and sign-ups waiting for an admin. */
  public record AccessRequestsPage(
      Chrome chrome, String status, List<RequestRow> rows, List<String> signUps) {}

  /** A sign-in page. */
  public record LoginPage(String token, String error, String username, String theme) {}

  /** One row of a list: its link, its cells, and a status chip (empty for none). */
  public record Row(String href, List<String> cells, String chip, boolean chipOk) {}

  /** A list of one kind of entity with search and status chips. */
  public record ListPage(
      Chrome chrome,
      String kind,
      String singular,
      List<String> columns,
      List<Row> rows,
      String q,
      String status,
      List<String> statuses,
      String empty,
      List<List<String>> createLinks) {}

  /** An option of a choice input. */
  public record Option(String value, boolean selected) {}

  /** One input of a form with its current value and the errors naming it. */
  public record FieldView(
      FormField field,
      String value,
      boolean checked,
      List<Option> options,
      List<String> errors,
      boolean readOnly) {
    public String errorId() {
      return field.id() + "-error";
    }
  }

  /**
   * A create or edit form.
   *
   * @param version the entity's version the form was filled from; null when creating
   * @param conflict the message of a refused stale save; empty for none
   * @param tokens the application's live tokens; null on other pages
   * @param differences after a refused stale save, the fields where the form and the stored entity
   *     differ; empty otherwise
   */
  public record FormPage(
      Chrome chrome,
      String heading,
      String action,
      Long version,
      List<FieldView> fields,
      List<String> errors,
      String conflict,
      String chip,
      boolean chipOk,
      List<List<String>> actions,
      List<KeyOperations.SigningKey> signingKeys,
      TokenList tokens,
      List<Difference> differences) {}

  /**
   * A field whose value in a refused stale save differs from the value stored now.
   *
   * @param label the field's label
   * @param yours what the refused form said
   * @param stored what is stored now (the other change, or the value the form did not change)
   */
  public record Difference(String label, String yours, String stored) {}

  /**
   * An application's live tokens, one page, newest first.
   *
   * @param total how many live tokens there are
   * @param newer the link to the newer page; empty on the first
   * @param older the link to the older page; empty on the last
   */
  public record TokenList(List<TokenRow> rows, int first, int total, String newer, String older) {
    public boolean empty() {
      return rows.isEmpty();
    }

    public int last() {
      return first + rows.size() - 1;
    }
  }

  /**
   * One live token: the admin API's id, never the token itself.
   *
   * @param revoke the link to the revocation's confirmation; empty for a viewer
   */
  public record TokenRow(
      String id,
      String kind,
      String subject,
      String scopes,
      String issued,
      String expires,
      String revoke) {}

  /**
   * A question before a change that cannot be undone or that affects others.
   *
   * @param fields what the change is about, as label and value pairs (the token to revoke); empty
   *     for none
   * @param link a link to more about what it affects, as href and text (the calls of the last day);
   *     empty for none
   * @param token the id of the token the form revokes; empty for other operations
   */
  public record ConfirmPage(
      Chrome chrome,
      String heading,
      String message,
      List<String> consequences,
      String action,
      String operation,
      long version,
      String button,
      String cancel,
      List<List<String>> fields,
      List<String> link,
      String token) {}

  /** The audit log with its filters; {@code next} is the link to the older page, empty if none. */
  public record AuditPage(
      Chrome chrome, String actor, String entity, List<AuditView.Entry> entries, String next) {}

  /**
   * The transactions screen: its filters, a page of records, the CSV export of the same filters and
   * a refusal of a filter ("" for none).
   */
  public record TransactionsPage(
      Chrome chrome,
      TrafficScreens.Filters filters,
      TrafficScreens.Listing listing,
      String csv,
      String error) {}

  /** The dashboard. */
  public record DashboardPage(Chrome chrome, TrafficScreens.Dashboard dashboard) {}

  /** A page with only a message (not found, refused). */
  public record MessagePage(Chrome chrome, String heading, String message) {}
}
