import BelaySupport
import Foundation
import Yams

/// A `notify:` entry: an `http://` or `https://` URL, or `$NAME`, an environment variable that
/// holds one (read when the run starts, so the URL stays out of the playbook and the journal).
public enum NotifyTarget {
    /// Whether `text` is a webhook URL or a `$NAME`; reports the problem at `node` when not.
    static func check(_ text: String, at node: Node, reader: YAMLReader) -> Bool {
        if text.hasPrefix("$") {
            guard Identifier.isEnvironmentName(String(text.dropFirst())) else {
                reader.error(
                    "notify '\(text)' is not a valid environment variable reference", at: node,
                    hint: "write $NAME with letters, digits and '_' (for example $SLACK_WEBHOOK_URL)")
                return false
            }
            return true
        }
        guard isWebhookURL(text) else {
            reader.error(
                "notify '\(text)' is not an http:// or https:// URL", at: node,
                hint: "give the webhook's URL, or $NAME to read it from an environment variable")
            return false
        }
        return true
    }

    public static func isWebhookURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }
}
