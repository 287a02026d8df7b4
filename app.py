"""An Sinh: entry point. Log in, then the role's menu (st.navigation) runs the chosen page."""

import streamlit as st

from data_layer.vn.labels import label
from ui.navigation import pages_for
from ui.session import login_gate

st.set_page_config(page_title="An Sinh", page_icon=":material/volunteer_activism:", layout="wide")

scope, authenticator = login_gate()
navigation = st.navigation(pages_for(scope), expanded=True)  # every page listed, no "View more"
with st.sidebar:
    st.markdown(f"**{st.session_state.get('name') or scope.username}**  \n{label(scope.role)}")
    authenticator.logout("Đăng xuất", location="sidebar", key="logout_button")
if not st.session_state.get("authentication_status"):
    # Just logged out. No st.rerun() here: it would drop the element that deletes the login cookie.
    st.session_state["logged_out"] = True  # the login form says it too, after the cookie's own rerun
    st.info("Bạn đã đăng xuất.")
    st.button("Đăng nhập lại")
    st.stop()
navigation.run()
