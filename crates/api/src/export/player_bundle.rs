//! The standalone player (packages/player `dist/tapedeck-player.js` + `.css`, built by
//! `npm run build`) that HTML exports inline. Embedded in release builds; read from disk in
//! debug builds, like the web app (`assets.rs`).

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../packages/player/dist"]
#[include = "tapedeck-player.*"]
#[allow_missing = true]
struct PlayerAssets;

/// The player's JavaScript and CSS, or `None` when the player was not built into this binary.
pub fn player_files() -> Option<(String, String)> {
    let text = |name: &str| {
        PlayerAssets::get(name).and_then(|file| String::from_utf8(file.data.into_owned()).ok())
    };
    Some((text("tapedeck-player.js")?, text("tapedeck-player.css")?))
}
