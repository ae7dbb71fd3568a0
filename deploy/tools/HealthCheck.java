import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The image's HEALTHCHECK: GET one URL, exit 0 on a 2xx answer, 1 otherwise. The runtime image has
 * no shell, curl or wget, so the check is a class run by the JRE that is already there.
 */
public final class HealthCheck {
  private HealthCheck() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: java -cp /opt/tokengate/tools HealthCheck http://127.0.0.1:9100/health/live");
      System.exit(2);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(3)).GET().build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 != 2) {
        System.err.println(args[0] + " answered " + status);
        System.exit(1);
      }
    } catch (java.io.IOException e) {
      System.err.println(args[0] + ": " + e);
      System.exit(1);
    }
  }
}
