package dev.tokengate.proxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar tokengate.jar credentials …}: an AWS {@code credential_process}. It trades a
 * source profile's keys for session credentials at the proxy's STS (GetSessionToken, with MFA if
 * asked, AssumeRole or GetFederationToken) and prints them as the SDKs read them ({@code Version:
 * 1} JSON). Answers are cached on disk (0600) and reused until shortly before they expire, so
 * each {@code aws} run does not mint a session, and a long-running SDK (which asks again 15
 * minutes before expiry) gets fresh ones.
 */
public final class CredentialsCommand {
  static final String USAGE = """
      usage: java -jar tokengate.jar credentials --endpoint URL [--source-profile NAME] [WHAT] [OPTIONS]
        WHAT (default GetSessionToken):
          --role-arn ARN [--role-session-name NAME] [--external-id ID]     AssumeRole
          --federation-name NAME [--policy-file FILE]                      GetFederationToken
          --serial-number ARN [--token-code CODE]     MFA (GetSessionToken or AssumeRole); without
                                                      --token-code the code is asked on the terminal
        OPTIONS:
          --duration-seconds N         the session's lifetime
          --region R                   signing region [us-east-1]
          --cache-dir DIR              [~/.aws/tokengate/cache]; --no-cache: always ask
          --refresh-before-seconds S   renew when fewer remain [900]
          --ca-bundle FILE             PEM CA bundle for https (AWS_CA_BUNDLE too)
          --insecure-skip-tls-verify   trust any https certificate (tests only)
        source keys: the profile's (shared credentials or config file), else AWS_ACCESS_KEY_ID and
        AWS_SECRET_ACCESS_KEY""";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CredentialsCommand() {}

  /** What to ask the STS for, and how. */
  private static final class Options {
    String endpoint;
    String sourceProfile;
    String region = "us-east-1";
    String roleArn;
    String roleSessionName;
    String externalId;
    String federationName;
    Path policyFile;
    String serialNumber;
    String tokenCode;
    String duration;
    Path cacheDir;
    boolean noCache;
    long refreshBeforeSeconds = 900;
    Path caBundle;
    boolean insecureSkipTlsVerify;
  }

  /** @return 0 printed credentials, 1 refused or unreachable, 2 bad usage */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    try {
      Options o = parse(args, env);
      SourceProfile source = SourceProfile.resolve(o.sourceProfile, env);
      Map<String, String> form = form(o);
      CredentialCache cache = o.noCache ? null : new CredentialCache(o.cacheDir);
      String cacheKey = CredentialCache.key(o.endpoint, source.accessKeyId(), form);
      if (cache != null) {
        String cached = cache.read(cacheKey, clock.instant().plusSeconds(o.refreshBeforeSeconds));
        if (cached != null) {
          out.println(cached);
          return 0;
        }
      }
      if (o.serialNumber != null && o.tokenCode == null) {
        form.put("TokenCode", askTokenCode(o.serialNumber));
      }
      HttpResponse<String> response = QueryEndpointClient.post(TlsTrust.client(o.caBundle, o.insecureSkipTlsVerify),
          URI.create(o.endpoint), form, new QueryEndpointClient.Signer(source.accessKeyId(), source.secretAccessKey(),
              source.sessionToken(), o.region, "sts"));
      Map<String, String> fields = QueryEndpointClient.fields(response.body());
      if (response.statusCode() != 200) {
        // The AWS CLI shows this line after "Error when retrieving credentials from custom-process:".
        err.println("An error occurred (" + fields.getOrDefault("Code", "HTTP " + response.statusCode())
            + ") when calling the " + form.get("Action") + " operation: " + fields.getOrDefault("Message", ""));
        return 1;
      }
      String json = processJson(fields);
      if (cache != null) {
        cache.write(cacheKey, json);
      }
      out.println(json);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("credentials: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException | IllegalStateException e) {
      err.println("credentials: could not get credentials from the endpoint: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static Options parse(List<String> args, Map<String, String> env) {
    Options o = new Options();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--endpoint" -> o.endpoint = value(args, ++i, a);
        case "--source-profile" -> o.sourceProfile = value(args, ++i, a);
        case "--region" -> o.region = value(args, ++i, a);
        case "--role-arn" -> o.roleArn = value(args, ++i, a);
        case "--role-session-name" -> o.roleSessionName = value(args, ++i, a);
        case "--external-id" -> o.externalId = value(args, ++i, a);
        case "--federation-name" -> o.federationName = value(args, ++i, a);
        case "--policy-file" -> o.policyFile = Path.of(value(args, ++i, a));
        case "--serial-number" -> o.serialNumber = value(args, ++i, a);
        case "--token-code" -> o.tokenCode = value(args, ++i, a);
        case "--duration-seconds" -> o.duration = number(value(args, ++i, a), a);
        case "--cache-dir" -> o.cacheDir = Path.of(value(args, ++i, a));
        case "--no-cache" -> o.noCache = true;
        case "--refresh-before-seconds" -> o.refreshBeforeSeconds = Long.parseLong(number(value(args, ++i, a), a));
        case "--ca-bundle" -> o.caBundle = Path.of(value(args, ++i, a));
        case "--insecure-skip-tls-verify" -> o.insecureSkipTlsVerify = true;
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    if (o.endpoint == null || !(o.endpoint.startsWith("http://") || o.endpoint.startsWith("https://"))) {
      throw new IllegalArgumentException("--endpoint http(s)://HOST:PORT is required");
    }
    if (o.roleArn != null && o.federationName != null) {
      throw new IllegalArgumentException("give --role-arn or --federation-name, not both");
    }
    if (o.federationName != null && o.serialNumber != null) {
      throw new IllegalArgumentException("GetFederationToken takes no MFA (--serial-number)");
    }
    if (o.caBundle == null && env.get("AWS_CA_BUNDLE") != null && !env.get("AWS_CA_BUNDLE").isEmpty()) {
      o.caBundle = Path.of(env.get("AWS_CA_BUNDLE"));
    }
    if (o.cacheDir == null) {
      o.cacheDir = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".aws", "tokengate", "cache");
    }
    return o;
  }

  private static Map<String, String> form(Options o) throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    if (o.roleArn != null) {
      form.put("Action", "AssumeRole");
      form.put("RoleArn", o.roleArn);
      form.put("RoleSessionName", o.roleSessionName != null ? o.roleSessionName : "tokengate-credentials");
      put(form, "ExternalId", o.externalId);
    } else if (o.federationName != null) {
      form.put("Action", "GetFederationToken");
      form.put("Name", o.federationName);
      if (o.policyFile != null) {
        form.put("Policy", Files.readString(o.policyFile, StandardCharsets.UTF_8));
      }
    } else {
      form.put("Action", "GetSessionToken");
    }
    form.put("Version", "2011-06-15");
    put(form, "DurationSeconds", o.duration);
    put(form, "SerialNumber", o.serialNumber);
    put(form, "TokenCode", o.tokenCode);
    return form;
  }

  /** The {@code credential_process} answer; the fields come from the STS response's Credentials. */
  static String processJson(Map<String, String> fields) {
    List<String> missing = new ArrayList<>();
    for (String f : List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")) {
      if (!fields.containsKey(f)) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the STS answer has no " + String.join(", ", missing));
    }
    try {
      Instant.parse(fields.get("Expiration"));
    } catch (DateTimeParseException e) {
      throw new IllegalStateException("the STS answer's Expiration is no timestamp: " + fields.get("Expiration"));
    }
    ObjectNode json = JSON.createObjectNode();
    json.put("Version", 1);
    for (String f : List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")) {
      json.put(f, fields.get(f));
    }
    return json.toString();
  }

  /** The AWS CLI runs the process with the user's terminal as stdin, so a code can be asked there. */
  private static String askTokenCode(String serial) throws IOException {
    Path tty = Path.of("/dev/tty");
    if (!Files.isReadable(tty)) {
      throw new IllegalArgumentException("--serial-number needs --token-code when there is no terminal");
    }
    Files.writeString(tty, "MFA code for " + serial + ": ", StandardCharsets.UTF_8);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(tty),
        StandardCharsets.UTF_8))) {
      String code = in.readLine();
      if (code == null || code.isBlank()) {
        throw new IllegalArgumentException("no MFA code given");
      }
      return code.strip();
    }
  }

  private static void put(Map<String, String> form, String name, String value) {
    if (value != null) {
      form.put(name, value);
    }
  }

  private static String number(String v, String flag) {
    if (!v.matches("\\d{1,9}")) {
      throw new IllegalArgumentException(flag + " must be a number of seconds, got '" + v + "'");
    }
    return v;
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }
}
