/// Human-readable durations for cell badges ("3.2 s", "2 min 05 s", "1 h 02 min").
enum Duration {
    /// `seconds` written for a reader; negative or non-finite values read as zero.
    static func format(_ seconds: Double) -> String {
        let value = seconds.isFinite && seconds > 0 ? seconds : 0
        if value < 59.95 {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(value.rounded())
        if whole < 3600 {
            return "\(whole / 60) min \(twoDigits(whole % 60)) s"
        }
        return "\(whole / 3600) h \(twoDigits(whole % 3600 / 60)) min"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
