/**
 * The page: load scans and a key on the left, the three linked views with their
 * metrics, the split view, attacks and exports in the middle (the hospital server
 * panel last), the status bar at the bottom. Composition only — each panel lives in its own component.
 */
import { AttackPanel } from './components/AttackPanel';
import { WorkspaceError } from './components/WorkspaceError';
import { DiagnosisSlot } from './components/DiagnosisSlot';
import { ExportPanel } from './components/ExportPanel';
import { FileList } from './components/FileList';
import { KeyPanel } from './components/KeyPanel';
import { LoadPanel } from './components/LoadPanel';
import { OpenedFilePanel } from './components/OpenedFilePanel';
import { ScanDetails } from './components/ScanDetails';
import { ServerPanel } from './hospital/LazyServerPanel';
import { HospitalNetworkView } from './network/LazyHospitalNetworkView';
import { SplitView } from './components/SplitView';
import { StatusBar } from './components/StatusBar';
import { ThemeToggle } from './components/ThemeToggle';
import { PresenterToggle } from './presenter/PresenterToggle';
import { ViewGrid } from './components/ViewGrid';
import { OriginalViewer } from './viewer/OriginalViewer';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          CipherScan <span className="tagline">encrypted imaging, in your browser</span>
        </h1>
        <ThemeToggle />
        <PresenterToggle />
        <details className="how-it-works">
          <summary>How it works</summary>
          <p>
            Each scan is shrunk to a 200 × 200 model input and encrypted with your key by block-pixel encryption: pixels
            are shuffled inside 25 × 25 blocks, the blocks are shuffled, values are inverted and colour channels swapped
            where the key says so. The result can still be diagnosed by a model adapted to the same key, but looks like
            noise to people. The attacks show what an adversary can and cannot get back; the AES package stores the full
            original, sealed.
          </p>
        </details>
        <p className="privacy-note" data-testid="privacy-note">
          Everything runs on this device. No key or pixel is sent anywhere; a scan leaves it only if you upload it to
          your hospital server, sealed under a key the server never sees. Nothing is stored after you close the tab,
          except the keys of a hospital-server account you join.
        </p>
      </header>
      <aside className="sidebar" aria-label="Scans and key">
        <LoadPanel />
        <FileList />
        <ScanDetails />
        <KeyPanel />
      </aside>
      <main className="workspace">
        <ViewGrid />
        <OriginalViewer />
        <SplitView />
        <div className="workspace-row">
          <AttackPanel />
          <ExportPanel />
        </div>
        <WorkspaceError />
        <OpenedFilePanel />
        <DiagnosisSlot />
        <ServerPanel />
        <HospitalNetworkView />
      </main>
      <StatusBar />
    </div>
  );
}
