package dev.tokengate.proxy.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar tokengate.jar revoke …}: calls the IAM endpoint's revocation actions
 * (RevokeSession, RevokeSessions, ListSessionRevocations), signed with SigV4 like any IAM client.
 * Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or {@code --data-dir} (the
 * bootstrap admin's {@code admin.yaml}).
 */
public final class RevokeCommand {
  static final String USAGE = """
      usage: java -jar tokengate.jar revoke --endpoint URL [--data-dir DIR] WHAT
        WHAT is one of:
          --session ASIA…          one session, by its temporary access key id
          --user NAME              every session of an IAM user issued until now
          --role NAME              every session of a role issued until now
          --source-identity ID     every session carrying that source identity
          --issued-before TIME     every session issued before TIME (ISO-8601, e.g. 2026-12-03T10:00:00Z)
          --list                   the revocations in force
        credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the admin key in DIR/admin.yaml""";
  private static final Pattern FIELD = Pattern.compile("<(RevocationId|Kind|Value|RevokedBefore)>([^<]*)<");

  private RevokeCommand() {}

  /** @return the process exit code: 0 done, 1 refused by the server, 2 bad usage */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String endpoint = null;
    Path dataDir = null;
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Version", "2010-05-08");
    try {
      for (int i = 0; i < args.size(); i++) {
        String flag = args.get(i);
        switch (flag) {
          case "--endpoint" -> endpoint = value(args, ++i, flag);
          case "--data-dir" -> dataDir = Path.of(value(args, ++i, flag));
          case "--session" -> what(form, "RevokeSession", "AccessKeyId", value(args, ++i, flag));
          case "--user" -> what(form, "RevokeSessions", "UserName", value(args, ++i, flag));
          case "--role" -> what(form, "RevokeSessions", "RoleName", value(args, ++i, flag));
          case "--source-identity" -> what(form, "RevokeSessions", "SourceIdentity", value(args, ++i, flag));
          case "--issued-before" -> what(form, "RevokeSessions", "IssuedBefore", value(args, ++i, flag));
          case "--list" -> what(form, "ListSessionRevocations", null, null);
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
        }
      }
      if (endpoint == null || !form.containsKey("Action")) {
        throw new IllegalArgumentException("--endpoint and one of the WHAT options are required");
      }
      String[] key = QueryEndpointClient.credentials(env, dataDir);
      HttpResponse<String> response = QueryEndpointClient.post(URI.create(endpoint), form, key[0], key[1]);
      Map<String, String> fields = QueryEndpointClient.fields(response.body());
      if (response.statusCode() != 200) {
        err.println("revoke: " + response.statusCode() + " " + fields.getOrDefault("Code", "")
            + ": " + fields.getOrDefault("Message", response.body()));
        return 1;
      }
      out.println(summary(form.get("Action"), response.body()));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("revoke: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("revoke: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static void what(Map<String, String> form, String action, String param, String value) {
    if (form.containsKey("Action")) {
      throw new IllegalArgumentException("give exactly one of --session, --user, --role, --source-identity, "
          + "--issued-before, --list");
    }
    form.put("Action", action);
    if (param != null) {
      form.put(param, value);
    }
  }

  /** One line per revocation: id, what it matches, until when. */
  private static String summary(String action, String xml) {
    StringBuilder out = new StringBuilder();
    Matcher f = FIELD.matcher(xml);
    String line = "";
    while (f.find()) {
      switch (f.group(1)) {
        case "RevocationId" -> {
          if (!line.isEmpty()) {
            out.append(line).append('\n');
          }
          line = (action.equals("ListSessionRevocations") ? "" : "revoked ") + f.group(2);
        }
        case "RevokedBefore" -> line += " sessions issued until " + f.group(2);
        case "Kind", "Value" -> line += " " + f.group(2);
        default -> { }
      }
    }
    out.append(line.isEmpty() && action.equals("ListSessionRevocations") ? "no revocations in force" : line);
    return out.toString().strip();
  }
}
