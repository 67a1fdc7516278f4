//! A blocking `Write` whose bytes become an HTTP response body as they are written: the export
//! encoders (zstd, gzip) run on the blocking pool and hand full chunks to the body through a
//! small channel, so a slow client slows the export down instead of filling memory.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;

/// Bytes gathered before a chunk goes to the client.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for the client at most; the writer blocks beyond.
const CHANNEL_CHUNKS: usize = 4;

/// The writing end. Call only from a blocking thread (`spawn_blocking`): sends block.
pub struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

/// A writer and the response body it feeds. The body ends when the writer and its aborters are
/// dropped; [`Aborter::abort`] ends it with an error instead, so the client sees a failed download
/// rather than a short file that looks whole.
pub fn channel_body() -> (ChannelWriter, Body) {
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    // Fused: the compression layer may poll again after the end, which a bare unfold forbids.
    let stream = futures::StreamExt::fuse(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ));
    let writer = ChannelWriter {
        sender,
        buffer: Vec::with_capacity(CHUNK_BYTES),
    };
    (writer, Body::from_stream(stream))
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }

    /// A handle that can abort the body after the writer was moved away.
    pub fn aborter(&self) -> Aborter {
        Aborter {
            sender: self.sender.clone(),
        }
    }
}

/// Ends a body with an error once its writer is gone.
pub struct Aborter {
    sender: mpsc::Sender<io::Result<Bytes>>,
}

impl Aborter {
    pub async fn abort(self) {
        let _ = self
            .sender
            .send(Err(io::Error::other("the export failed")))
            .await;
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}
