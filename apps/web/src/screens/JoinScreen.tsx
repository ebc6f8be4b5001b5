/** /join/CODE deep link (from a QR code or a shared link): joins, then opens the event or channel. */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { describeError } from "../api/problem";
import { qk } from "../api/queries";
import { joinWithCode } from "../components/JoinBox";
import { Spinner } from "../components/ui";

export function JoinScreen() {
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    joinWithCode(code).then(
      async (to) => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: qk.events }),
          qc.invalidateQueries({ queryKey: qk.channels }),
        ]);
        navigate(to, { replace: true });
      },
      (e) => setError(describeError(e)),
    );
  }, [code, navigate, qc]);

  return (
    <main id="main" className="main narrow">
      <div className="card">
        <h1>Joining…</h1>
        {error ? (
          <>
            <p className="form-error">{error}</p>
            <Link to="/" className="btn">
              Go home
            </Link>
          </>
        ) : (
          <Spinner label={`Joining with code ${code}`} />
        )}
      </div>
    </main>
  );
}
