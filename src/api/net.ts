/**
 * `cleave/net`: the network between edge and server: profiles (4G, Wi-Fi, ...), the analytic
 * latency model, queueing formulas and a deterministic discrete-event simulator (links, TCP with
 * Reno/CUBIC/BBR, server queues, scenarios), plus the robust statistics they report.
 * This file only re-exports; each module documents its own exports.
 */

// Discrete-event simulation.
export { EventCore, type EventHandler, type EventObserver } from '../net/event-core.js';
export { Random as SimRandom } from '../net/random.js';
export { Link, type LinkOptions, type LinkStats } from '../net/link.js';
export { TcpConnection, type TcpEvents, type TcpOptions } from '../net/tcp.js';
export { CONGESTION_CONTROLS, makeCongestionControl, type CongestionControl, type CongestionControlName } from '../net/congestion.js';
export { ServerQueue, type ServerStats } from '../net/server-queue.js';
export { simulateTransfer, simulateTransferStats, type TransferSimOptions, type TransferSimResult, type TransferSimStats } from '../net/transfer-sim.js';
export { percentiles, simulateScenario, type Percentiles, type ScenarioOptions, type ScenarioResult } from '../net/scenario.js';

// Analytic models.
export { checkPath, defaultQueueBytes, type PathSpec } from '../net/path.js';
export { estimateTransfer, type TransferEstimate, type TransferModelOptions } from '../net/analytic.js';
export { estimateSplitLatency, type ConnectionState, type ServerLoad, type SplitFrame, type SplitLatencyEstimate } from '../net/split-latency.js';
export { erlangC, waitMD1, waitMDk, waitMM1, waitMMk } from '../net/queueing.js';

// Profiles, units, statistics.
export { NETWORK_PROFILES, checkNetworkProfile, getNetworkProfile, networkProfileNames, parseNetworkProfile, pathFromProfile, radioEnergyJ, type NetworkProfile } from '../net/profiles.js';
export { parseBitRate, parseBytes, parseDurationMs, parsePercent } from '../net/units.js';
export { median, quantile, summarize, type LatencyStats } from '../net/stats.js';
