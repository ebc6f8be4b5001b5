/** /join/CODE deep link (from a QR code or a shared link): joins, then opens the event or channel. */
import { useEffect, useRef } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { describeError } from "../api/problem";
import { Spinner } from "../components/ui";
import { useJoinWithCode } from "../state/queries/events";

export function JoinScreen() {
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const join = useJoinWithCode();
  const started = useRef(false);
  const { mutate } = join;

  useEffect(() => {
    // Once per visit: StrictMode runs effects twice, and a code is joined only once.
    if (started.current) return;
    started.current = true;
    mutate(code, { onSuccess: (to) => navigate(to, { replace: true }) });
  }, [code, navigate, mutate]);

  return (
    <main id="main" className="main narrow">
      <div className="card">
        <h1>Joining…</h1>
        {join.isError ? (
          <>
            <p className="form-error">{describeError(join.error)}</p>
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
