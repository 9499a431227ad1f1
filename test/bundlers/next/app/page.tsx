"use client";
import { useState } from "react";
// README's React wrapper (test/stacks/react/verify.tsx), copied here by the matrix.
import { Verify } from "./verify";

export default function Home() {
  const [verified, setVerified] = useState<boolean>();
  return (
    <main>
      <Verify onVerified={setVerified} />
      {verified !== undefined && <p>Phone verified: {verified ? "yes" : "no"}</p>}
    </main>
  );
}
