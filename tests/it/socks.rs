//! A SOCKS5 proxy on loopback (RFC 1928, with RFC 1929's user and password), for the tests of
//! `--proxy socks5://` and `ALL_PROXY=socks5h://`: it records the destination each CONNECT
//! names (a host name for `socks5h`, an address for `socks5`), connects to it, and relays the
//! bytes both ways. A destination it cannot connect to is answered "connection refused"
//! (reply 5).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running proxy: its address, and the destinations asked of it.
pub struct Socks5 {
    pub address: SocketAddr,
    pub destinations: Arc<Mutex<Vec<String>>>,
}

impl Socks5 {
    /// Starts a proxy that asks for `credentials` (user, password), or for none.
    pub fn start(credentials: Option<(&'static str, &'static str)>) -> Socks5 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let destinations = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&destinations);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    let _ = serve(stream, credentials, &seen);
                });
            }
        });
        Socks5 {
            address,
            destinations,
        }
    }

    /// The destinations asked so far.
    pub fn destinations(&self) -> Vec<String> {
        self.destinations.lock().expect("lock").clone()
    }
}

fn serve(
    mut client: TcpStream,
    credentials: Option<(&str, &str)>,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(10)))?;
    // Greeting: version 5, the methods offered.
    let [version, count] = read_array(&mut client)?;
    if version != 5 {
        return Ok(());
    }
    let mut methods = vec![0; usize::from(count)];
    client.read_exact(&mut methods)?;
    let wanted = if credentials.is_some() { 2 } else { 0 };
    if !methods.contains(&wanted) {
        client.write_all(&[5, 0xff])?;
        return Ok(());
    }
    client.write_all(&[5, wanted])?;
    if let Some((user, password)) = credentials {
        let [_, length] = read_array(&mut client)?;
        let given_user = read_string(&mut client, length)?;
        let [length] = read_array(&mut client)?;
        let given_password = read_string(&mut client, length)?;
        let accepted = given_user == user && given_password == password;
        client.write_all(&[1, if accepted { 0 } else { 1 }])?;
        if !accepted {
            return Ok(());
        }
    }
    // Request: version, CONNECT, reserved, the address's type and the address, the port.
    let [_, command, _, kind] = read_array(&mut client)?;
    let host = match kind {
        1 => Ipv4Addr::from(read_array::<4>(&mut client)?).to_string(),
        3 => {
            let [length] = read_array(&mut client)?;
            read_string(&mut client, length)?
        }
        4 => format!("[{}]", Ipv6Addr::from(read_array::<16>(&mut client)?)),
        _ => return Ok(()),
    };
    let port = u16::from_be_bytes(read_array(&mut client)?);
    let destination = format!("{host}:{port}");
    seen.lock().expect("lock").push(destination.clone());
    let reply = |status: u8| [5, status, 0, 1, 0, 0, 0, 0, 0, 0];
    if command != 1 {
        client.write_all(&reply(7))?;
        return Ok(());
    }
    let Ok(mut server) = TcpStream::connect(destination) else {
        client.write_all(&reply(5))?;
        return Ok(());
    };
    client.write_all(&reply(0))?;
    client.set_read_timeout(None)?;
    let (mut from_client, mut to_server) = (client.try_clone()?, server.try_clone()?);
    let upstream = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_server);
        let _ = to_server.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}

fn read_array<const N: usize>(stream: &mut TcpStream) -> std::io::Result<[u8; N]> {
    let mut bytes = [0; N];
    stream.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn read_string(stream: &mut TcpStream, length: u8) -> std::io::Result<String> {
    let mut bytes = vec![0; usize::from(length)];
    stream.read_exact(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
