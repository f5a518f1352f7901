/*
 * JSSE client for test/logs: connects, handshakes, writes one line, reads one line, prints one "RESULT " line.
 * Run with -Djavax.net.debug=ssl:handshake to get the debug log the log reader parses.
 *
 * Usage: java JsseLogClient <port> <tls 1.2|1.3> <truststore.p12> <storepass> [keystore.p12]
 */
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.*;

public class JsseLogClient {
    public static void main(String[] a) throws Exception {
        char[] pw = a[3].toCharArray();
        KeyStore ts = KeyStore.getInstance(new File(a[2]), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        KeyManager[] kms = null;
        if (a.length > 4) {
            KeyStore ks = KeyStore.getInstance(new File(a[4]), pw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
            kms = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0])), 10000);
            s.setSoTimeout(10000);
            s.setEnabledProtocols(new String[] { "TLSv" + a[1] });
            s.startHandshake();
            OutputStream w = s.getOutputStream();
            w.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            w.flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            System.out.println("RESULT ok " + line);
        } catch (Exception e) {
            System.out.println("RESULT error " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
