// The wire shapes of SPEC 2: what a client sends, what it gets back, and streamed events.

export type Operation = 'run' | 'list';

// A request after validation and normalisation (arguments always an array).
export interface RelayRequest {
  auth_key: string;
  command: string;
  arguments: string[];
  id?: string;
  stream: boolean;
  payload?: string;
  payload_encoding?: 'utf8' | 'base64';
  timeout?: number;
  op: Operation;
}

export interface ListedCommand {
  command: string;
  description: string;
  // The argument and payload rules (5.2), for people choosing what to send (the web console).
  args?: { min: number; max: number | null };
  arg_pattern?: string; // each argument must match it whole
  payload?: 'none' | 'stdin' | 'file';
  max_payload?: number; // bytes, when payload is not none
}

export interface RelayResponse {
  status: 'success' | 'error';
  message: string;
  code: number;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  request_id: string;
  id?: string;
  truncated?: true;
  commands?: ListedCommand[];
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputEvent {
  event: OutputStream;
  data: string;
}
