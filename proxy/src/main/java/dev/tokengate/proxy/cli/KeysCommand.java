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
 * {@code java -jar tokengate.jar keys rotate|retire|list …}: the keys that seal session tokens,
 * through the IAM endpoint's RotateSessionKeys / RetireSessionKeys / ListSessionKeys, so every
 * replica sharing the state store rotates together.
 */
public final class KeysCommand {
  static final String USAGE = """
      usage: java -jar tokengate.jar keys rotate|retire|list --endpoint URL [--data-dir DIR]
        rotate   a new primary key seals new tokens; older keys still open the tokens they sealed
        retire   every key but the primary goes: the tokens they sealed stop opening
        list     the key ids and which one is primary
        credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the admin key in DIR/admin.yaml""";
  private static final Pattern KEY = Pattern.compile("<KeyId>(\\d+)</KeyId>\\s*<Primary>(true|false)</Primary>");

  private KeysCommand() {}

  /** @return 0 done, 1 refused by the server, 2 bad usage */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String endpoint = null;
    Path dataDir = null;
    String action = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        switch (args.get(i)) {
          case "rotate" -> action = "RotateSessionKeys";
          case "retire" -> action = "RetireSessionKeys";
          case "list" -> action = "ListSessionKeys";
          case "--endpoint" -> endpoint = value(args, ++i);
          case "--data-dir" -> dataDir = Path.of(value(args, ++i));
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + args.get(i) + "'");
        }
      }
      if (endpoint == null || action == null) {
        throw new IllegalArgumentException("a command (rotate, retire, list) and --endpoint are required");
      }
      Map<String, String> form = new LinkedHashMap<>();
      form.put("Action", action);
      form.put("Version", "2010-05-08");
      String[] key = QueryEndpointClient.credentials(env, dataDir);
      HttpResponse<String> response = QueryEndpointClient.post(URI.create(endpoint), form, key[0], key[1]);
      if (response.statusCode() != 200) {
        Map<String, String> fields = QueryEndpointClient.fields(response.body());
        err.println("keys: " + response.statusCode() + " " + fields.getOrDefault("Code", "") + ": "
            + fields.getOrDefault("Message", response.body()));
        return 1;
      }
      Matcher m = KEY.matcher(response.body());
      while (m.find()) {
        out.println(m.group(1) + (m.group(2).equals("true") ? " primary" : ""));
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("keys: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("keys: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String value(List<String> args, int i) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(args.get(i - 1) + " needs a value");
    }
    return args.get(i);
  }
}
