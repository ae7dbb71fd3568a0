package dev.tokengate.policy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one request against policy files from the command line and prints the decision, the
 * reason and the deciding statement; exits 0 when allowed, 1 when denied, 2 on a usage error.
 *
 * <p>Invocation (from the repository root, after {@code mvn -B -q install -DskipTests}):
 *
 * <pre>{@code
 * mvn -B -q -pl policy dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp policy/target/classes:$(cat /tmp/cp.txt) dev.tokengate.policy.PolicySimulator \
 *     --identity user-policy.json --managed arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess \
 *     --resource-policy bucket-policy.json --session session.json --boundary boundary.json \
 *     --principal arn:aws:sts::123456789012:assumed-role/ReadOnly/s1 \
 *     --action s3:PutObject --resource arn:aws:s3:::b/k --trace \
 *     aws:SourceIp=10.0.0.1 aws:SecureTransport=true aws:TagKeys=a,b
 * }</pre>
 *
 * <p>{@code --identity}, {@code --managed}, {@code --resource-policy} and {@code --session} may be
 * repeated; {@code --boundary-managed ARN} uses a managed policy as the boundary; {@code --userid}
 * sets {@code aws:userid}. A {@code key=v1,v2} pair gives a multi-valued key.
 */
public final class PolicySimulator {

  private PolicySimulator() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the simulator and returns the exit code (0 allow, 1 deny, 2 usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<Policy> identity = new ArrayList<>();
    List<Policy> resource = new ArrayList<>();
    List<Policy> session = new ArrayList<>();
    Policy boundary = null;
    String principal = null;
    String userId = null;
    String action = null;
    String resourceArn = null;
    boolean trace = false;
    Map<String, List<String>> keys = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--identity" -> identity.add(read(value(args, ++i, a), PolicyType.IDENTITY));
          case "--managed" -> identity.add(managed(value(args, ++i, a)));
          case "--resource-policy" -> resource.add(read(value(args, ++i, a), PolicyType.RESOURCE));
          case "--session" -> session.add(read(value(args, ++i, a), PolicyType.SESSION));
          case "--boundary" -> boundary = read(value(args, ++i, a), PolicyType.BOUNDARY);
          case "--boundary-managed" -> boundary = managed(value(args, ++i, a)).as(PolicyType.BOUNDARY, args[i]);
          case "--principal" -> principal = value(args, ++i, a);
          case "--userid" -> userId = value(args, ++i, a);
          case "--action" -> action = value(args, ++i, a);
          case "--resource" -> resourceArn = value(args, ++i, a);
          case "--trace" -> trace = true;
          default -> {
            int eq = a.indexOf('=');
            if (a.startsWith("--") || eq <= 0) {
              throw new UsageException("unknown argument: " + a);
            }
            keys.put(a.substring(0, eq), List.of(a.substring(eq + 1).split(",", -1)));
          }
        }
      }
      if (principal == null || action == null || resourceArn == null) {
        throw new UsageException("--principal, --action and --resource are required");
      }
      Principal caller;
      try {
        caller = Principal.fromArn(principal, userId);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      RequestContext context = RequestContext.of(caller, action, resourceArn).putAll(keys);
      Decision decision = PolicyEvaluator.evaluate(new PolicySet(identity, resource, session, boundary), context,
          trace);
      out.println(decision.outcome());
      out.println(decision.allowed() ? "allowed" : decision.accessDeniedMessage());
      for (StatementRef ref : decision.statements()) {
        out.println("deciding statement: " + ref);
      }
      if (trace) {
        out.print(decision.trace());
      }
      return decision.allowed() ? 0 : 1;
    } catch (UsageException e) {
      err.println("usage error: " + e.getMessage());
      err.println("usage: PolicySimulator [--identity F] [--managed ARN] [--resource-policy F] [--session F]"
          + " [--boundary F | --boundary-managed ARN] --principal ARN [--userid ID] --action A --resource R"
          + " [--trace] [key=value[,value]...]");
      return 2;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static Policy read(String file, PolicyType type) {
    String json;
    try {
      json = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
    try {
      return PolicyParser.parse(json, type, file);
    } catch (MalformedPolicyException e) {
      throw new UsageException(file + ": " + MalformedPolicyException.ERROR_CODE + ": " + e.getMessage());
    }
  }

  private static Policy managed(String arn) {
    return ManagedPolicies.lookup(arn).orElseThrow(() -> new UsageException("unknown managed policy " + arn));
  }

  /** A command-line mistake: reported with the usage line and exit code 2. */
  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
