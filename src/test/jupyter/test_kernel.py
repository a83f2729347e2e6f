"""The dmm kernel against Jupyter's own client (jupyter_client), as Jupyter's frontends talk to it.

Run by dmm.jupyter.KernelProtocolTest (mvn verify) with the venv's Python; the kernelspec `dmm`
must be installed where jupyter_client finds it. These are the checks jupyter_kernel_test makes
(kernel_info, execute, streams, errors, completion, inspection, is_complete, history, display
data), written out here because that package is not served by the package index this project's
machines reach.
"""
import queue
import time
import unittest

import jupyter_client
from jupyter_client.session import Session

TIMEOUT = 60


class DmmKernelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = jupyter_client.manager.start_new_kernel(kernel_name="dmm", startup_timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def run_cell(self, code, timeout=TIMEOUT):
        """Executes code; returns (reply content, [iopub messages for it up to idle])."""
        msg_id = self.kc.execute(code)
        reply = self.reply_to(msg_id, timeout)
        return reply["content"], self.iopub_until_idle(msg_id, timeout)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        """The shell reply to request msg_id. Replies to other requests are skipped: while the
        kernel starts, start_new_kernel sends kernel_info every second until one is answered, so
        a slow start leaves the answers to the others on the channel."""
        deadline = time.time() + timeout
        while True:
            m = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") == msg_id:
                return m

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
            out.append(m)
        self.fail("no idle status for " + msg_id)

    def of_type(self, msgs, t):
        return [m["content"] for m in msgs if m["msg_type"] == t]

    def test_kernel_info_names_the_language_and_protocol(self):
        r = self.reply_to(self.kc.kernel_info())["content"]
        self.assertEqual(r["protocol_version"], "5.3")
        self.assertEqual(r["language_info"]["name"], "dmm")
        self.assertEqual(r["language_info"]["file_extension"], ".dmm")

    def test_value_of_a_cell_is_an_execute_result(self):
        reply, msgs = self.run_cell("(+ 1 2)")
        self.assertEqual(reply["status"], "ok")
        results = self.of_type(msgs, "execute_result")
        self.assertEqual(results[0]["data"]["text/plain"], "3")
        self.assertEqual(results[0]["execution_count"], reply["execution_count"])

    def test_execution_count_increases_by_one_per_cell(self):
        a, _ = self.run_cell("1")
        b, _ = self.run_cell("2")
        self.assertEqual(b["execution_count"], a["execution_count"] + 1)

    def test_println_is_a_stdout_stream(self):
        reply, msgs = self.run_cell('(println "hello from dmm")')
        text = "".join(s["text"] for s in self.of_type(msgs, "stream") if s["name"] == "stdout")
        self.assertEqual(text, "hello from dmm\n")

    def test_error_carries_the_place_and_caret(self):
        reply, msgs = self.run_cell("(def x 1)\n(no-such-function x)")
        self.assertEqual(reply["status"], "error")
        err = self.of_type(msgs, "error")[0]
        self.assertEqual(err["ename"], "RuntimeError")
        self.assertIn("2:2", err["evalue"])
        self.assertIn("no-such-function", err["evalue"])
        self.assertTrue(any(line.strip() == "^" for line in err["traceback"]), err["traceback"])

    def test_kernel_is_usable_after_an_error(self):
        self.run_cell("(/ 1 (no-such-thing))")
        reply, msgs = self.run_cell("(* 6 7)")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.of_type(msgs, "execute_result")[0]["data"]["text/plain"], "42")

    def test_star_one_is_the_last_value(self):
        self.run_cell("(+ 40 2)")
        _, msgs = self.run_cell("*1")
        self.assertEqual(self.of_type(msgs, "execute_result")[0]["data"]["text/plain"], "42")

    def test_complete_offers_defined_names(self):
        self.run_cell("(defn frobnicate-twice [x] (* 2 x))")
        code = "(frobnicate-t"
        r = self.reply_to(self.kc.complete(code, len(code)))["content"]
        self.assertIn("frobnicate-twice", r["matches"])
        self.assertEqual(r["cursor_start"], 1)
        self.assertEqual(r["cursor_end"], len(code))

    def test_inspect_gives_the_doc_text(self):
        self.run_cell('(defn documented-fn "Doubles its argument." [x] (* 2 x))')
        r = self.reply_to(self.kc.inspect("(documented-fn 1)", 5))["content"]
        self.assertTrue(r["found"])
        self.assertIn("Doubles its argument.", r["data"]["text/plain"])

    def test_is_complete_follows_open_brackets(self):
        self.assertEqual(self.reply_to(self.kc.is_complete("(+ 1"))["content"]["status"], "incomplete")
        self.assertEqual(self.reply_to(self.kc.is_complete("(+ 1 2)"))["content"]["status"], "complete")

    def test_history_holds_the_cells(self):
        self.run_cell("(+ 100 1)")
        r = self.reply_to(self.kc.history(hist_access_type="tail", n=1))["content"]
        self.assertEqual(r["history"][-1][2], "(+ 100 1)")

    def test_network_value_displays_as_svg(self):
        _, msgs = self.run_cell('(require lite)\n(feedforward "ab" {:layers 1 :copies 1 :seed 1})')
        data = self.of_type(msgs, "execute_result")[0]["data"]
        self.assertTrue(data["image/svg+xml"].startswith("<svg"))

    def test_training_progress_is_one_display_updated_in_place(self):
        self.run_cell('(require lite) (require train)\n'
                      '(def small2 (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))\n'
                      '(def tr2 (trainer small2 :loss (imitation-loss (duplicate-detector "abcab") 30 [:output])))')
        _, msgs = self.run_cell("(train! tr2 1500)")
        shown = self.of_type(msgs, "display_data")
        updates = self.of_type(msgs, "update_display_data")
        self.assertEqual(len(shown), 1)
        self.assertGreater(len(updates), 0)
        display_id = shown[0]["transient"]["display_id"]
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        self.assertIn("train step 1500", updates[-1]["data"]["text/plain"])
        streamed = "".join(s["text"] for s in self.of_type(msgs, "stream"))
        self.assertNotIn("steps/s", streamed)

    def test_trainer_value_shows_its_curves_as_png(self):
        self.run_cell('(require lite) (require train)\n'
                      '(def small3 (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))\n'
                      '(def tr3 (trainer small3 :loss (imitation-loss (duplicate-detector "abcab") 30 [:output]) :quiet true))\n'
                      '(train! tr3 20)')
        _, msgs = self.run_cell("tr3")
        data = self.of_type(msgs, "execute_result")[0]["data"]
        self.assertTrue(data["image/png"].startswith("iVBORw0KGgo"))   # base64 of the PNG signature

    def test_display_shows_a_network_now(self):
        _, msgs = self.run_cell('(require lite)\n(display (feedforward "ab" {:layers 1 :copies 1 :seed 1}))\n(println "after")')
        self.assertIn("image/svg+xml", self.of_type(msgs, "display_data")[0]["data"])

    def test_display_of_a_missing_file_says_which(self):
        _, msgs = self.run_cell('(display "no-such-plot.png")')
        self.assertIn("display: no file no-such-plot.png", self.of_type(msgs, "error")[0]["evalue"])

    def test_interrupt_stops_training_within_two_seconds_and_keeps_vars(self):
        self.run_cell('(require lite) (require train)\n(def kept 17)\n'
                      '(def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))\n'
                      '(def tr (trainer small :loss (imitation-loss (duplicate-detector "abcab") 30 [:output]) :quiet true))')
        msg_id = self.kc.execute("(train! tr 10000000)")
        time.sleep(1.5)
        started = time.time()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id)
        self.iopub_until_idle(msg_id)
        self.assertLess(time.time() - started, 2.0)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        _, msgs = self.run_cell("(+ kept (if (> (train-step tr) 0) 1 0))")
        self.assertEqual(self.of_type(msgs, "execute_result")[0]["data"]["text/plain"], "18")

    def test_wrongly_signed_message_is_refused(self):
        forger = Session(key=b"not-the-kernel-key")
        msg = forger.msg("execute_request", {"code": "(def forged 1)", "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forger.send(self.kc.shell_channel.socket, msg)
        with self.assertRaises(queue.Empty):
            self.reply_to(msg["header"]["msg_id"], timeout=2)
        reply, msgs = self.run_cell("forged")
        self.assertEqual(reply["status"], "error")   # the forged cell never ran
        self.assertIn("unknown name `forged`", self.of_type(msgs, "error")[0]["evalue"])


if __name__ == "__main__":
    unittest.main()
