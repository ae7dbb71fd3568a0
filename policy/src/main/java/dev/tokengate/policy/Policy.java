package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parsed, compiled policy document (immutable and thread-safe); obtain one with
 * {@link PolicyParser#parse} or {@link ManagedPolicies#lookup}.
 *
 * <p>Keeps a per-action index of the statements whose Action/NotAction covers the action, so an
 * evaluation only looks at the statements that can apply.
 */
public final class Policy {
  private static final Statement[] NONE = new Statement[0];
  // S3 has about 150 actions; the cap only guards against callers inventing action names.
  private static final int INDEX_LIMIT = 4096;

  private final String name;
  private final PolicyType type;
  private final String version;
  private final String id;
  private final List<Statement> statements;
  private final Map<String, Statement[]> byAction = new ConcurrentHashMap<>();
  private final StatementRef[] refs; // made once so a decision does not allocate them

  Policy(String name, PolicyType type, String version, String id, List<Statement> statements) {
    this.name = name;
    this.type = type;
    this.version = version;
    this.id = id;
    this.statements = List.copyOf(statements);
    this.refs = new StatementRef[statements.size()];
    for (int i = 0; i < refs.length; i++) {
      Statement st = statements.get(i);
      if (st.index() != i) {
        throw new IllegalStateException("statement index must equal its position: " + st.index() + " != " + i);
      }
      refs[i] = new StatementRef(name, type, st.sid(), i, st.effect());
    }
  }

  /** The reference decisions report for one of this policy's statements. */
  StatementRef ref(Statement statement) {
    return refs[statement.index()];
  }

  /** The name decisions report: an inline policy's name or a managed policy's ARN. */
  public String name() {
    return name;
  }

  public PolicyType type() {
    return type;
  }

  /** The Version element, or null when absent (2008-10-17 semantics). */
  public String version() {
    return version;
  }

  /** The Id element, or null. */
  public String id() {
    return id;
  }

  public List<Statement> statements() {
    return statements;
  }

  /** Whether policy variables are substituted (only with Version 2012-10-17). */
  public boolean variablesEnabled() {
    return PolicyParser.VERSION_2012.equals(version);
  }

  /** The same statements attached as another kind of policy (e.g. a managed policy as a boundary). */
  public Policy as(PolicyType otherType, String otherName) {
    if (otherType.requiresPrincipal() != type.requiresPrincipal()) {
      throw new IllegalStateException("a policy cannot change between resource-based and identity kinds: "
          + type + " -> " + otherType);
    }
    return new Policy(otherName, otherType, version, id, statements);
  }

  /** Statements whose Action/NotAction covers {@code lowerAction}, in document order. */
  Statement[] statementsFor(String lowerAction) {
    Statement[] cached = byAction.get(lowerAction);
    if (cached != null) {
      return cached;
    }
    List<Statement> matching = new ArrayList<>();
    for (Statement s : statements) {
      if (s.coversAction(lowerAction)) {
        matching.add(s);
      }
    }
    Statement[] result = matching.isEmpty() ? NONE : matching.toArray(NONE);
    if (byAction.size() < INDEX_LIMIT) {
      byAction.put(lowerAction, result);
    }
    return result;
  }

  @Override
  public String toString() {
    return type.label() + " " + name + " (" + statements.size() + " statements)";
  }
}
