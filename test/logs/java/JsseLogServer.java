/*
 * JSSE server for test/logs: requires a client certificate, accepts one connection, prints "LISTENING <port>"
 * first and one "RESULT " line after the connection. Run with -Djavax.net.debug=ssl:handshake.
 *
 * Usage: java JsseLogServer <tls 1.2|1.3> <keystore.p12> <truststore.p12> <storepass>
 */
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.*;

public class JsseLogServer {
    public static void main(String[] a) throws Exception {
        char[] pw = a[3].toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(KeyStore.getInstance(new File(a[1]), pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(KeyStore.getInstance(new File(a[2]), pw));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ss.setEnabledProtocols(new String[] { "TLSv" + a[0] });
            ss.setNeedClientAuth(true);
            System.out.println("LISTENING " + ss.getLocalPort());
            System.out.flush();
            ss.setSoTimeout(20000);
            try (SSLSocket s = (SSLSocket) ss.accept()) {
                s.setSoTimeout(10000);
                s.startHandshake();
                OutputStream w = s.getOutputStream();
                w.write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                w.flush();
                System.out.println("RESULT ok");
            } catch (Exception e) {
                System.out.println("RESULT error " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
        System.out.flush();
    }
}
