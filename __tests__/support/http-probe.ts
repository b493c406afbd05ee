/**
 * Requests to a local Ghost exactly as AWS sends them: the headers given and no others (no
 * redirects followed, the Host header as given, a hard timeout).
 */
import * as http from "http";

export interface ProbeRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  readonly timeoutMs?: number;
}

export interface ProbeResponse {
  /** 0 when there was no answer (refused, reset or timed out). */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Why there was no answer. */
  readonly error?: string;
}

/** The response of a request that got no answer. */
function noAnswer(error: Error): ProbeResponse {
  return { status: 0, headers: {}, body: Buffer.alloc(0), error: error.message };
}

export function probe(port: number, request: ProbeRequest): Promise<ProbeResponse> {
  const timeoutMs = request.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = { ...request.headers, ...(body && { "Content-Length": String(body.length) }) };
    const outgoing = http.request(
      {
        host: "127.0.0.1",
        port,
        method: request.method ?? "GET",
        path: request.path,
        headers,
        setHost: false,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on("error", (error) => resolve(noAnswer(error)));
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on("error", (error) => resolve(noAnswer(error)));
    outgoing.end(body);
  });
}

/**
 * Whether `status` satisfies an ALB matcher: codes and ranges, comma-separated
 * ("200", "200,301", "200-299").
 */
export function matcherAccepts(matcher: string, status: number): boolean {
  return matcher.split(",").some((part) => {
    const [low, high] = part.trim().split("-").map(Number);
    return high === undefined ? status === low : status >= low && status <= high;
  });
}
