//! The process's own figures, read from `/proc` at scrape time: resident memory and start time
//! (the names the Prometheus client libraries use). Elsewhere than Linux they are left out.

/// Clock ticks per second of `/proc/<pid>/stat` times. The kernel reports these in `USER_HZ`,
/// which is 100 on every architecture Tapedeck ships for (x86-64, arm64); reading it with
/// `sysconf` would take `unsafe` FFI for a constant.
const USER_HZ: u64 = 100;

/// What the scrape reports about the process; `None` where it could not be read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProcessFigures {
    pub resident_memory_bytes: Option<u64>,
    pub start_time_seconds: Option<f64>,
}

/// Reads the figures of this process (Linux; nothing elsewhere).
pub fn read() -> ProcessFigures {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    ProcessFigures {
        resident_memory_bytes: read("/proc/self/status")
            .as_deref()
            .and_then(resident_bytes),
        start_time_seconds: match (read("/proc/self/stat"), read("/proc/stat")) {
            (Some(stat), Some(system)) => start_time_seconds(&stat, &system),
            _ => None,
        },
    }
}

/// The `VmRSS:  1234 kB` line of `/proc/<pid>/status`, in bytes.
pub fn resident_bytes(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// The process start in seconds since the epoch: the boot time (`btime` of `/proc/stat`) plus
/// the `starttime` field (22nd) of `/proc/<pid>/stat`, in clock ticks after boot.
pub fn start_time_seconds(stat: &str, system_stat: &str) -> Option<f64> {
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself:
    // fields are counted from the last `)`, which is followed by field 3.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let start_ticks: u64 = after_name.split_whitespace().nth(22 - 3)?.parse().ok()?;
    let boot: u64 = system_stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(boot as f64 + start_ticks as f64 / USER_HZ as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_comes_from_vm_rss() {
        let status = "Name:\ttapedeck\nVmPeak:\t  99999 kB\nVmRSS:\t   23456 kB\nThreads:\t5\n";
        assert_eq!(resident_bytes(status), Some(23_456 * 1024));
        assert_eq!(resident_bytes("Name:\tx\n"), None);
    }

    #[test]
    fn start_time_is_boot_time_plus_start_ticks_even_with_odd_command_names() {
        let stat = "4242 (tape (deck) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 9 0 \
                    12345 1000000 500 18446744073709551615";
        let system = "cpu  1 2 3\nbtime 1700000000\nprocesses 77\n";
        let start = start_time_seconds(stat, system).unwrap();
        assert!((start - 1_700_000_123.45).abs() < 1e-6, "{start}");
        assert_eq!(start_time_seconds("garbage", system), None);
        assert_eq!(start_time_seconds(stat, "cpu 1\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_figures_on_linux() {
        let figures = read();
        assert!(figures.resident_memory_bytes.is_some_and(|b| b > 0));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let start = figures.start_time_seconds.expect("start time");
        assert!(start > 1_000_000_000.0 && start <= now + 1.0, "{start}");
    }
}
