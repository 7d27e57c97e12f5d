import ArgumentParser
import Belay

/// `--on-failure compensate|pause|stop`.
extension FailurePolicy: ExpressibleByArgument {}
