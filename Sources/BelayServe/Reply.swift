import BelaySupport
import Hummingbird

/// The responses the server sends: JSON with keys in a fixed order, plain text, HTML.
enum Reply {
    static func json(_ value: JSONText, status: HTTPResponse.Status = .ok) -> Response {
        body(value.rendered() + "\n", type: "application/json", status: status)
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, type: "text/plain; charset=utf-8", status: status)
    }

    static func html(_ text: String) -> Response { body(text, type: "text/html; charset=utf-8", status: .ok) }

    static func script(_ text: String) -> Response { body(text, type: "text/javascript; charset=utf-8", status: .ok) }

    static func body(_ text: String, type: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs `work`, answering an `APIError` it throws with its status and message.
    static func guarded(_ work: () async throws -> Response) async -> Response {
        do {
            return try await work()
        } catch let error as APIError {
            return error.response
        } catch {
            return APIError(status: .internalServerError, message: "\(error)").response
        }
    }
}
