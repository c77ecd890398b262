/**
 * The "Hospital network" view (issue 17, "The page"; DESIGN.md §9): hospitals
 * learning together without sharing images: the live federated training of
 * three hospital workers, encrypted inference of the loaded scan on the hospital
 * server, and the model-inversion attacks with their scores. The whole view is
 * loaded after the first paint (LazyHospitalNetworkView).
 */
import { FederatedTraining } from './training/FederatedTraining';
import { EncryptedInferencePanel } from './encrypted/EncryptedInferencePanel';
import { InversionPanel } from './inversion/InversionPanel';
import './network.css';

export function HospitalNetworkView() {
  return (
    <section className="panel network-view" aria-labelledby="network-title" data-testid="network-view">
      <h2 id="network-title">Hospital network</h2>
      <p className="hint" data-testid="network-intro">
        Hospitals can learn from each other&apos;s scans without sending them. What leaves a device is never a scan: it
        is a short list of numbers the model computes from a scan (its class token), and those numbers leave only
        encrypted with CKKS, under a key that stays with the hospitals. The server adds and multiplies ciphertexts it
        cannot read and sends back ciphertexts; it never holds a key, a scan, a plain number or an answer. Below, try it
        on the scan you loaded, then see what an attacker could rebuild from each thing that might leave.
      </p>
      <FederatedTraining />
      <EncryptedInferencePanel />
      <InversionPanel />
    </section>
  );
}
