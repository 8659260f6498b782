//! Slow clients against a real listener: half-sent requests and stalled uploads are closed
//! after the (shortened) timeouts while other requests are answered, idle kept-alive
//! connections are closed, connections past the bound in total wait to be accepted, and an
//! address past its bound of connections is refused.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use waymark_web::ServeLimits;

use crate::helpers::spawn_app_within;

/// Open at once by the test of half-sent requests.
const HALF_SENT: usize = 200;

fn short_limits() -> ServeLimits {
    ServeLimits {
        header_read_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(1),
        max_connections: 1_000,
        max_connections_per_address: 1_000,
    }
}

/// A client that opens a new connection for every request, so that none is a kept-alive one
/// the server is closing for idleness as it is used.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

fn host_port(address: &str) -> String {
    address.trim_start_matches("http://").to_string()
}

/// Whether the server has closed `stream`: it reads to the end (what the server wrote before
/// closing, if anything, then end of file or a reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut read = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(read),
            Ok(Ok(n)) => read.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Whether `stream` is still open with nothing to read: the server neither wrote nor closed.
fn still_open(stream: &TcpStream) -> bool {
    let mut buffer = [0u8; 1];
    matches!(stream.try_read(&mut buffer), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[tokio::test]
async fn half_sent_requests_are_closed_after_the_header_timeout_while_others_are_answered() {
    let app = spawn_app_within(None, short_limits()).await;
    let address = host_port(&app.address);
    let opened = Instant::now();
    let mut half_sent = Vec::new();
    for _ in 0..HALF_SENT {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /sign-in HTTP/1.1\r\nHost: waymark\r\nUser-Agent: slow")
            .await
            .unwrap();
        half_sent.push(stream);
    }

    // A normal request is answered while they all hang.
    let answered = fresh_client()
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    if opened.elapsed() < Duration::from_millis(900) {
        assert!(
            half_sent.iter().all(still_open),
            "closed before the timeout"
        );
    }

    for stream in &mut half_sent {
        assert!(
            closed_within(stream, Duration::from_secs(5))
                .await
                .is_some(),
            "a half-sent request was still open {:?} after it was opened",
            opened.elapsed()
        );
    }
    let took = opened.elapsed();
    assert!(
        took >= Duration::from_millis(950),
        "closed after {took:?}, before the 1 s timeout"
    );
    assert!(took < Duration::from_secs(5), "closed only after {took:?}");

    let answered = fresh_client()
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
}

#[tokio::test]
async fn a_stalled_upload_is_refused_after_the_request_timeout_and_closed() {
    let app = spawn_app_within(None, short_limits()).await;
    let mut stream = TcpStream::connect(host_port(&app.address)).await.unwrap();
    // A form post with its CSRF cookie, whose body stops a tenth of the way in: the CSRF
    // check reads the body, and the body never ends.
    stream
        .write_all(
            b"POST /sign-in HTTP/1.1\r\nHost: waymark\r\nCookie: waymark_csrf=token\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
              csrf=token",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let answer = closed_within(&mut stream, Duration::from_secs(5))
        .await
        .expect("the stalled upload's connection was not closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let app = spawn_app_within(None, short_limits()).await;
    let mut stream = TcpStream::connect(host_port(&app.address)).await.unwrap();
    stream
        .write_all(b"GET /api/nothing-here HTTP/1.1\r\nHost: waymark\r\n\r\n")
        .await
        .unwrap();
    // Reads the whole answer (its Content-Length says how long), leaving the connection open.
    let mut read = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(n > 0, "closed before answering");
        read.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&read).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap();
            if read.len() >= end + 4 + length {
                assert!(text.starts_with("HTTP/1.1 404"), "{text}");
                break;
            }
        }
    }
    let answered = Instant::now();
    assert!(still_open(&stream), "closed straight after answering");
    let rest = closed_within(&mut stream, Duration::from_secs(5))
        .await
        .expect("the idle connection was not closed");
    assert!(rest.is_empty());
    assert!(answered.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn past_the_bound_in_total_a_connection_waits_until_one_closes() {
    let app = spawn_app_within(
        None,
        ServeLimits {
            max_connections: 2,
            ..short_limits()
        },
    )
    .await;
    let address = host_port(&app.address);
    let opened = Instant::now();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    let waiting = tokio::spawn({
        let url = format!("{}/sign-in", app.address);
        async move { fresh_client().get(url).send().await.map(|r| r.status()) }
    });
    // Not accepted while both places are held (an accepted request is answered in
    // milliseconds)...
    tokio::time::sleep(Duration::from_millis(400)).await;
    if opened.elapsed() < Duration::from_millis(900) {
        assert!(!waiting.is_finished(), "answered past the bound");
    }
    // ...and answered once the header-read timeout has closed the held ones.
    let status = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("never answered after the held connections closed")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    assert!(opened.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn connections_past_the_bound_for_one_address_are_refused() {
    let app = spawn_app_within(
        None,
        ServeLimits {
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_connections_per_address: 3,
            ..short_limits()
        },
    )
    .await;
    let address = host_port(&app.address);
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    // The server accepts connections in order, so the three are counted before the fourth.
    let mut extra = TcpStream::connect(&address).await.unwrap();
    let refused = closed_within(&mut extra, Duration::from_secs(5))
        .await
        .expect("a fourth connection from the same address was kept open");
    assert!(refused.is_empty(), "the refused connection got an answer");
    assert!(held.iter().all(still_open), "a held connection was closed");

    // Closing one gives its place back.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answered = fresh_client()
            .get(format!("{}/sign-in", app.address))
            .send()
            .await;
        match answered {
            Ok(response) => {
                assert_eq!(response.status(), 200);
                break;
            }
            Err(error) => assert!(Instant::now() < deadline, "no place came back: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(held.iter().all(still_open));
}
