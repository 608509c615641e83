// Echo server on gorilla/websocket 1.5 (Debian golang-github-gorilla-websocket-dev).
//
// usage: gorilla-echo PORT
// Prints "LISTENING <port>" once the socket accepts connections.
//
// gorilla leaves UTF-8 validation of text messages to the application, so this
// program validates incrementally while the message streams in (as gorilla's own
// Autobahn server does) and fails the connection with close 1007 at the first
// invalid chunk, before the rest of the message arrives.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

const maxMessage = 64 << 20

var upgrader = websocket.Upgrader{
	ReadBufferSize:    1 << 16,
	WriteBufferSize:   1 << 16,
	EnableCompression: true, // gorilla only offers no_context_takeover both ways
	CheckOrigin:       func(*http.Request) bool { return true },
}

// utf8Validator is an incremental UTF-8 validator (Unicode table 3-7 ranges):
// it keeps the state of an unfinished sequence across Write calls.
type utf8Validator struct {
	need   int  // continuation bytes still expected
	lo, hi byte // allowed range of the next continuation byte
}

func (v *utf8Validator) Write(p []byte) bool {
	for _, b := range p {
		if v.need > 0 {
			if b < v.lo || b > v.hi {
				return false
			}
			v.need--
			v.lo, v.hi = 0x80, 0xBF
			continue
		}
		switch {
		case b < 0x80:
		case b >= 0xC2 && b <= 0xDF:
			v.need, v.lo, v.hi = 1, 0x80, 0xBF
		case b == 0xE0:
			v.need, v.lo, v.hi = 2, 0xA0, 0xBF
		case b >= 0xE1 && b <= 0xEC, b == 0xEE, b == 0xEF:
			v.need, v.lo, v.hi = 2, 0x80, 0xBF
		case b == 0xED:
			v.need, v.lo, v.hi = 2, 0x80, 0x9F // no surrogates
		case b == 0xF0:
			v.need, v.lo, v.hi = 3, 0x90, 0xBF
		case b >= 0xF1 && b <= 0xF3:
			v.need, v.lo, v.hi = 3, 0x80, 0xBF
		case b == 0xF4:
			v.need, v.lo, v.hi = 3, 0x80, 0x8F // nothing above U+10FFFF
		default:
			return false
		}
	}
	return true
}

func (v *utf8Validator) Complete() bool { return v.need == 0 }

var (
	// The invalid byte came before the end of the message: the rest of the
	// frame may never arrive, so the peer's close reply cannot be read.
	errInvalidUTF8Early = errors.New("invalid UTF-8 in text message (mid-message)")
	// The whole message was read and ends in an incomplete sequence.
	errInvalidUTF8AtEnd = errors.New("invalid UTF-8 in text message (at end)")
)

// readMessage reads one whole message, validating text incrementally.
func readMessage(conn *websocket.Conn, buf []byte) (int, []byte, error) {
	mt, r, err := conn.NextReader()
	if err != nil {
		return 0, buf, err
	}
	var v utf8Validator
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		if mt == websocket.TextMessage && !v.Write(buf[len(buf):len(buf)+n]) {
			return mt, buf, errInvalidUTF8Early
		}
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return mt, buf, err
		}
	}
	if mt == websocket.TextMessage && !v.Complete() {
		return mt, buf, errInvalidUTF8AtEnd
	}
	return mt, buf, nil
}

func echo(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered with an HTTP error
	}
	defer conn.Close()
	conn.SetReadLimit(maxMessage)
	buf := make([]byte, 0, 1<<16)
	for {
		var mt int
		mt, buf, err = readMessage(conn, buf)
		if err == errInvalidUTF8Early || err == errInvalidUTF8AtEnd {
			conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseInvalidFramePayloadData, ""),
				time.Now().Add(5*time.Second))
			if err == errInvalidUTF8Early {
				return // fail the connection: drop TCP now (as gorilla's Autobahn server does)
			}
			// Frames are in sync: wait briefly for the peer's close reply, then drop TCP.
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			for {
				if _, _, err := conn.NextReader(); err != nil {
					return
				}
			}
		}
		if err != nil {
			// Close frames (answered by gorilla's default close handler),
			// protocol errors (gorilla already sent 1002/1009) or EOF.
			return
		}
		if err := conn.WriteMessage(mt, buf); err != nil {
			return
		}
	}
}

func main() {
	port := 0
	if len(os.Args) > 1 {
		p, err := strconv.Atoi(os.Args[1])
		if err != nil {
			log.Fatalf("bad port %q", os.Args[1])
		}
		port = p
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("LISTENING %d\n", ln.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-stop; os.Exit(0) }()
	srv := &http.Server{Handler: http.HandlerFunc(echo), ErrorLog: log.New(io.Discard, "", 0)}
	log.Fatal(srv.Serve(ln))
}
