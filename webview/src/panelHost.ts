/**
 * panelHost: what a view of the panel may ask of the extension host: a request answered by the engine
 * (validated by the host) and revealing a line of the report's files.
 */
import type { PanelMethods } from '../../extension/protocol/webviewProtocol';

export interface PanelHost {
  request<M extends keyof PanelMethods>(method: M, params: PanelMethods[M]['params']): Promise<PanelMethods[M]['result']>;
  reveal(file: string, line: number): void;
}
