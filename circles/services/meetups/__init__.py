"""meetups"""
