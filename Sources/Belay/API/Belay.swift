// The engine's model (Saga, Phase, Step…) is part of its API: `import Belay` brings it along.
@_exported import BelayModel

/// The product version printed by `belay --version`.
public enum BelayVersion {
    public static let current = "0.1.0"
}
