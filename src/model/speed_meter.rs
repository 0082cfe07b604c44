//! The speed the simulation really runs at. The slider asks for a speed,
//! but a frame advances at most [`MAX_FRAME_VIRTUAL_MS`](super::sim::MAX_FRAME_VIRTUAL_MS)
//! of virtual time, and a big cluster under load makes frames slow: at
//! 100× with 9 members and heavy traffic the page really ran at about 15×
//! while the slider said 100×. The page says so instead of pretending.

/// Wall time over which one measurement is taken.
const WINDOW_MS: f64 = 1_000.0;
/// A gap longer than this is a hidden tab or a debugger pause, not a slow
/// frame: it restarts the measurement.
const GAP_MS: f64 = 1_000.0;

/// Virtual time advanced per wall time, measured over about a second.
#[derive(Clone, Debug, Default)]
pub struct SpeedMeter {
    wall_ms: f64,
    virtual_ms: f64,
    last: Option<f64>,
}

impl SpeedMeter {
    /// Counts one frame: `wall_ms` since the previous frame, `virtual_ms`
    /// advanced in it.
    pub fn frame(&mut self, wall_ms: f64, virtual_ms: f64) {
        if !(wall_ms.is_finite() && wall_ms > 0.0) || wall_ms > GAP_MS {
            self.reset();
            return;
        }
        self.wall_ms += wall_ms;
        self.virtual_ms += virtual_ms;
        if self.wall_ms >= WINDOW_MS {
            self.last = Some(self.virtual_ms / self.wall_ms);
            self.wall_ms = 0.0;
            self.virtual_ms = 0.0;
        }
    }

    /// Forgets what was measured (paused, or a new speed).
    pub fn reset(&mut self) {
        *self = SpeedMeter::default();
    }

    /// The speed reached over the last whole window, if any.
    pub fn speed(&self) -> Option<f64> {
        self.last
    }
}

/// The reached speed worth telling the user about: when it falls clearly
/// short of the asked one.
pub fn falls_short(asked: f64, reached: Option<f64>) -> Option<f64> {
    reached.filter(|&r| r < asked * 0.8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_virtual_per_wall_time_over_a_window() {
        let mut m = SpeedMeter::default();
        // 133 ms frames, each advancing 2 s: about 15×.
        for _ in 0..7 {
            m.frame(133.0, 2_000.0);
        }
        assert_eq!(m.speed(), None, "less than a second measured");
        m.frame(133.0, 2_000.0);
        let s = m.speed().unwrap();
        assert!((s - 15.04).abs() < 0.01, "{s}");
        assert_eq!(falls_short(100.0, m.speed()), m.speed());
        assert_eq!(falls_short(16.0, m.speed()), None);
    }

    #[test]
    fn a_long_gap_restarts_the_measurement() {
        let mut m = SpeedMeter::default();
        for _ in 0..20 {
            m.frame(100.0, 100.0);
        }
        assert_eq!(m.speed(), Some(1.0));
        m.frame(30_000.0, 2_000.0);
        assert_eq!(m.speed(), None);
    }
}
