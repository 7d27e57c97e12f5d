/// The product version printed by `belay --version`.
public enum BelayVersion {
    public static let current = "0.1.0"
}
