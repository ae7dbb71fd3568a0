package dev.tokengate.proxy.s3;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile XML documents for the parsers' hardening tests: an external entity naming a local file
 * with a marker, an external DTD and an external parameter entity on a loopback listener that counts
 * connections (a parser that resolves anything connects), and an internal entity expansion bomb.
 */
public final class XxeProbe implements AutoCloseable {
  public static final String MARKER = "XXE-MARKER-7f3a";

  private final Path file;
  private final ServerSocket listener;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  public XxeProbe(Path dir) throws IOException {
    file = Files.writeString(dir.resolve("secret.txt"), MARKER, StandardCharsets.UTF_8);
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    listener.setSoTimeout(200);
    acceptor = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          listener.accept().close();
          connections.incrementAndGet();
        } catch (SocketTimeoutException again) {
          // poll until closed
        } catch (IOException closed) {
          return;
        }
      }
    }, "xxe-probe");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Documents with the given root and one child element {@code child} holding an entity. */
  public List<byte[]> documents(String root, String child) {
    String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
    List<String> docs = List.of(
        "<?xml version=\"1.0\"?><!DOCTYPE " + root + " [<!ENTITY x SYSTEM \"" + file.toUri() + "\">]>"
            + "<" + root + "><" + child + ">&x;</" + child + "></" + root + ">",
        "<?xml version=\"1.0\"?><!DOCTYPE " + root + " SYSTEM \"" + url + "dtd\">"
            + "<" + root + "><" + child + ">k</" + child + "></" + root + ">",
        "<?xml version=\"1.0\"?><!DOCTYPE " + root + " [<!ENTITY % p SYSTEM \"" + url + "p\"> %p;]>"
            + "<" + root + "><" + child + ">k</" + child + "></" + root + ">",
        "<?xml version=\"1.0\"?><!DOCTYPE " + root + " [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;"
            + "&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;"
            + "&c;&c;\">]><" + root + "><" + child + ">&d;&d;&d;&d;&d;</" + child + "></" + root + ">");
    return docs.stream().map(d -> d.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Connections the listener saw; give a resolving parser a moment to have connected. */
  public int connections() throws InterruptedException {
    Thread.sleep(300);
    return connections.get();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    listener.close();
    acceptor.join(2000);
  }
}
