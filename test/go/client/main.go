// Command client is a minimal Go crypto/tls client for the mtls-doctor tests (stdlib only).
//
// It loads a certificate chain and key with tls.LoadX509KeyPair, connects with Config.Certificates set (no
// GetClientCertificate, so crypto/tls picks the chain itself: SupportsCertificate against the CertificateRequest),
// InsecureSkipVerify and one TLS version, writes the NSS key log, sends one HTTP/1.0 request line and prints
// exactly one "RESULT ..." line. The tests observe what it sent on the wire; this output is only for diagnostics.
//
// Usage: client -connect 127.0.0.1:PORT -tls 1.2|1.3 [-cert chain.pem -key key.pem] [-keylog file]
package main

import (
	"bufio"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	addr := flag.String("connect", "", "host:port")
	certFile := flag.String("cert", "", "PEM certificate chain (leaf first)")
	keyFile := flag.String("key", "", "PEM private key")
	version := flag.String("tls", "1.3", "TLS version: 1.2 or 1.3")
	keyLog := flag.String("keylog", "", "NSS key log file to write")
	flag.Parse()

	cfg := &tls.Config{InsecureSkipVerify: true}
	switch *version {
	case "1.2":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	case "1.3":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	default:
		fail("setup", fmt.Errorf("unknown -tls %q", *version))
	}
	if *certFile != "" {
		pair, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			fail("load", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if *keyLog != "" {
		f, err := os.Create(*keyLog)
		if err != nil {
			fail("setup", err)
		}
		defer f.Close()
		cfg.KeyLogWriter = f
	}
	var chosen string
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", *addr, cfg)
	if err != nil {
		fail("handshake", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	st := conn.ConnectionState()
	chosen = fmt.Sprintf("version=%x", st.Version)
	// TLS 1.3: the server judges the client Certificate after the client's handshake is done; a refusal arrives as
	// an alert on the first read.
	if _, err := io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		fail("write", err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && line == "" {
		fail("read", err)
	}
	fmt.Printf("RESULT ok %s first=%q\n", chosen, strings.TrimSpace(line))
}

func fail(stage string, err error) {
	fmt.Printf("RESULT error stage=%s %v\n", stage, err)
	os.Exit(1)
}
