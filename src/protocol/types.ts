// The wire shapes of SPEC 2: what a client sends, what it gets back, and streamed events.

export type Operation = 'run' | 'list';

// A request after validation and normalisation (arguments always an array).
export interface RelayRequest {
  auth_key: string;
  command: string;
  arguments: string[];
  id?: string | number;
  stream: boolean;
  payload?: string;
  payload_encoding?: 'utf8' | 'base64';
  timeout?: number;
  op: Operation;
}

export interface ListedCommand {
  command: string;
  description: string;
}

export interface RelayResponse {
  status: 'ok' | 'error';
  message: string;
  code: number;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  request_id: string;
  id?: string | number;
  truncated?: true;
  commands?: ListedCommand[];
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputEvent {
  event: OutputStream;
  data: string;
}
