package dev.tokengate.proxy.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.SSLUtil;
import dev.tokengate.proxy.config.LdapConfig;
import dev.tokengate.proxy.config.LdapFilterTemplate;
import dev.tokengate.proxy.ldap.LdapLoginFailed.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a username and password against the configured directory, MinIO's way: bind as
 * the service account, find the user's one entry with the user filter, bind as that entry with the
 * password, then (as the service account again) find the user's groups.
 *
 * <p>Every login is a fresh connection on a small pool of its own threads, never an event loop;
 * connect and each operation are bounded by {@code timeoutSeconds}, the whole login by twice that.
 * Passwords are never logged.
 */
public final class LdapDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);
  private static final int THREADS = 4;
  private static final int QUEUE = 64;
  private static final int MAX_GROUPS = 1000;

  private final LdapConfig config;
  private final String host;
  private final int port;
  private final SSLContext tls; // null for plain LDAP
  private final LdapFilterTemplate userFilter;
  private final LdapFilterTemplate groupFilter; // null: no group search
  private final ThreadPoolExecutor executor;

  /** @throws IllegalArgumentException if the trusted certificates cannot be read */
  public LdapDirectory(LdapConfig config) {
    this.config = config;
    try {
      LDAPURL url = new LDAPURL(config.serverUrl());
      this.host = url.getHost();
      this.port = url.getPort();
    } catch (LDAPException e) {
      throw new IllegalArgumentException("ldap.serverUrl: " + e.getExceptionMessage(), e);
    }
    this.tls = config.ldaps() || config.startTls() ? tlsContext(config.trustedCertificatesFile()) : null;
    this.userFilter = LdapFilterTemplate.of(config.userSearchFilter());
    this.groupFilter = config.groupSearchFilter() == null ? null : LdapFilterTemplate.of(config.groupSearchFilter());
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
        r -> {
          Thread t = new Thread(r, "ldap-login-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Completes with the identity, or exceptionally with an {@link LdapLoginFailed}: never later than
   * twice the configured timeout.
   */
  public CompletableFuture<LdapIdentity> authenticate(String username, String password) {
    if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
      // An empty password is an unauthenticated bind, which many servers answer with success.
      return CompletableFuture.failedFuture(new LdapLoginFailed(Reason.INVALID_CREDENTIALS, "empty username or password"));
    }
    CompletableFuture<LdapIdentity> result;
    try {
      result = CompletableFuture.supplyAsync(() -> {
        try {
          return login(username, password);
        } catch (LdapLoginFailed e) {
          throw new CompletionException(e);
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new LdapLoginFailed(Reason.UNAVAILABLE, "too many LDAP logins under way"));
    }
    return result.orTimeout(2L * config.timeoutSeconds(), TimeUnit.SECONDS).handle((identity, error) -> {
      if (error == null) {
        return identity;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof LdapLoginFailed) {
        throw new CompletionException(cause);
      }
      String why = cause instanceof TimeoutException ? "the login took longer than " + 2 * config.timeoutSeconds() + " s"
          : cause.toString();
      throw new CompletionException(new LdapLoginFailed(Reason.UNAVAILABLE, why));
    });
  }

  private LdapIdentity login(String username, String password) throws LdapLoginFailed {
    try (LDAPConnection connection = connect()) {
      bindServiceAccount(connection);
      SearchResultEntry user = findUser(connection, username);
      try {
        connection.bind(new SimpleBindRequest(user.getDN(), password));
      } catch (LDAPException e) {
        throw failure(e, "bind as the user's entry");
      }
      String name = user.getAttributeValue(config.usernameAttribute());
      if (name == null) {
        LOG.warn("LDAP entry {} has no {} attribute (ldap.usernameAttribute) to name its session", user.getDN(),
            config.usernameAttribute());
        throw new LdapLoginFailed(Reason.INVALID_CREDENTIALS, "the entry has no " + config.usernameAttribute());
      }
      List<String> groups = new ArrayList<>();
      if (groupFilter != null) {
        bindServiceAccount(connection); // the user may not read the groups
        groups = findGroups(connection, name, user.getDN());
      }
      return new LdapIdentity(user.getDN(), name, groups);
    }
  }

  private LDAPConnection connect() throws LdapLoginFailed {
    int millis = (int) TimeUnit.SECONDS.toMillis(config.timeoutSeconds());
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis(millis);
    options.setResponseTimeoutMillis(millis);
    options.setUseSynchronousMode(true); // no reader thread per connection
    options.setBindWithDNRequiresPassword(true);
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
    try {
      SocketFactory sockets = config.ldaps() ? tls.getSocketFactory() : SocketFactory.getDefault();
      LDAPConnection connection = new LDAPConnection(sockets, options, host, port);
      if (config.startTls()) {
        try {
          ExtendedResult started = connection.processExtendedOperation(new StartTLSExtendedRequest(tls));
          if (started.getResultCode() != ResultCode.SUCCESS) {
            throw new LDAPException(started.getResultCode(), "StartTLS refused: " + started.getDiagnosticMessage());
          }
        } catch (LDAPException e) {
          connection.close();
          throw e;
        }
      }
      return connection;
    } catch (LDAPException e) {
      throw new LdapLoginFailed(Reason.UNAVAILABLE, "cannot connect to " + config.serverUrl() + ": "
          + e.getExceptionMessage());
    }
  }

  private void bindServiceAccount(LDAPConnection connection) throws LdapLoginFailed {
    try {
      connection.bind(new SimpleBindRequest(config.lookupBindDn(), config.lookupBindPassword()));
    } catch (LDAPException e) {
      // The service account's credentials are the operator's: a refusal is an outage, not the user's fault.
      if (ResultCode.isConnectionUsable(e.getResultCode())) {
        LOG.warn("LDAP refused the lookup bind as {} (ldap.lookupBindDn): {}", config.lookupBindDn(),
            e.getResultCode());
      }
      throw new LdapLoginFailed(Reason.UNAVAILABLE, "lookup bind failed: " + e.getResultCode());
    }
  }

  private SearchResultEntry findUser(LDAPConnection connection, String username) throws LdapLoginFailed {
    SearchResult found;
    try {
      SearchRequest search = new SearchRequest(config.userSearchBaseDn(), SearchScope.SUB,
          Filter.create(userFilter.render(username, "")), config.usernameAttribute());
      search.setSizeLimit(2);
      search.setTimeLimitSeconds(config.timeoutSeconds());
      found = connection.search(search);
    } catch (LDAPException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        LOG.debug("LDAP user search matched several entries; refused as ambiguous");
        throw new LdapLoginFailed(Reason.INVALID_CREDENTIALS, "several entries match");
      }
      LOG.warn("LDAP user search under {} (ldap.userSearchBaseDn) failed: {}", config.userSearchBaseDn(),
          e.getResultCode());
      throw new LdapLoginFailed(Reason.UNAVAILABLE, "user search failed: " + e.getResultCode());
    }
    if (found.getEntryCount() != 1) {
      throw new LdapLoginFailed(Reason.INVALID_CREDENTIALS,
          found.getEntryCount() == 0 ? "no entry matches" : "several entries match");
    }
    return found.getSearchEntries().get(0);
  }

  private List<String> findGroups(LDAPConnection connection, String username, String userDn) throws LdapLoginFailed {
    try {
      SearchRequest search = new SearchRequest(config.groupSearchBaseDn(), SearchScope.SUB,
          Filter.create(groupFilter.render(username, userDn)), SearchRequest.NO_ATTRIBUTES);
      search.setSizeLimit(MAX_GROUPS);
      search.setTimeLimitSeconds(config.timeoutSeconds());
      List<String> groups = new ArrayList<>();
      for (SearchResultEntry e : connection.search(search).getSearchEntries()) {
        groups.add(e.getDN());
      }
      return groups;
    } catch (LDAPException e) {
      throw new LdapLoginFailed(Reason.UNAVAILABLE, "group search failed: " + e.getResultCode());
    }
  }

  /** A failure of the user's bind: the connection's are an outage, the rest a refusal. */
  private static LdapLoginFailed failure(LDAPException e, String step) {
    Reason reason = ResultCode.isConnectionUsable(e.getResultCode()) ? Reason.INVALID_CREDENTIALS : Reason.UNAVAILABLE;
    return new LdapLoginFailed(reason, step + " failed: " + e.getResultCode());
  }

  private static SSLContext tlsContext(String trustedCertificatesFile) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (trustedCertificatesFile == null) {
        factory.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(Path.of(trustedCertificatesFile))) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            store.setCertificateEntry("ca-" + i++, c);
          }
        }
        if (i == 0) {
          throw new IllegalArgumentException("ldap.trustedCertificatesFile " + trustedCertificatesFile
              + " holds no PEM certificate");
        }
        factory.init(store);
      }
      TrustManager[] managers = factory.getTrustManagers();
      return new SSLUtil(managers).createSSLContext();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("ldap.trustedCertificatesFile " + trustedCertificatesFile + ": " + e, e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
